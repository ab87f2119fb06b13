"""Entry script of the frozen build: the same ``sor-desktop`` entry point pip installs."""

from sor_desktop.cli.main import main

raise SystemExit(main())
