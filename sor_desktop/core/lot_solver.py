"""Lot allocation: the integer core of the router, exact or with a proven gap.

Problem. Venue ``i`` takes ``x_i`` whole lots of ``m_i`` grains each (a grain is the largest
base amount dividing every venue's lot). ``cost_i`` is convex in ``x_i`` (``LotCurve``).
``x_i`` is 0 or in ``[lo_i, hi_i]`` (minimum amount / notional; depth, caps), a used venue costs
its leg cost ``L_i`` on top, and at most ``K`` venues are used. Maximise the fill
``F = sum m_i x_i`` subject to ``F <= T``; among the plans with that fill, minimise
``sum cost_i(x_i) + sum_{x_i > 0} L_i``. The fill is an integer; costs are compared to a relative
1e-12. ``Allocation.bound`` is a proven lower bound on the second criterion at that fill, so
``Allocation.gap`` is how far above the optimum the plan can be (0: proven optimal).

How.

1. Box problems (every ``x_i`` in an interval, no on/off choice) are solved by ``lot_groups``:
   venues with the same lot size form a group (a greedy merge, exact); the largest fill across
   groups is ``lot_fill``'s; the cheapest plan at it comes from the continuous optimum and a search
   of the ranges its reduced costs allow (see that module). That search is proven unless it
   would pass its budget, and then its answer is bounded by the continuous optimum.
2. Minimums, leg costs and the venue count are a branch and bound over "venue off" / "venue on
   (x_i >= lo_i, L_i paid)". An undecided venue is relaxed to the convex envelope of its
   "0, or cost + L_i from lo_i on" (``lot_curve.envelope``), which is below the true cost
   everywhere and equal to it at 0 and from its tangent point ``x*_i`` on. So a node's relaxed
   optimum bounds every plan of the node, and when every undecided venue it uses sits at 0 or
   at least ``x*_i`` and the count is kept, that optimum is a plan of the node with the bound's
   cost: the node is solved. Otherwise it branches on a venue strictly between 0 and ``x*_i``
   or, when only the count is broken, on a used undecided venue. Every plan is in exactly one
   leaf, so the search is exhaustive.
3. Speed. With a venue count a first plan is made from the ``K`` venues the fractional optimum
   uses most. Once the best fill is known and a node cannot fill more, its fractional optimum
   (``lot_relax``, the venues' pieces sorted once per plan) bounds it in a tenth of a
   millisecond: a node it does not beat is dropped, and a node whose fractional plan breaks a
   minimum or the count branches on that plan without solving any lots; its two children are
   first bounded by its Lagrangian at its price per grain with the branched venue's term
   changed, and a child that bound drops solves nothing. A node that may still fill more than
   the best plan first asks only its box's largest fill (``lot_fill``, cheap): below the best
   fill it is dropped, at it cost decides as above, above it its fractional plan still branches
   when it breaks a minimum or the count; a node whose largest fill is not proven waits until
   the others have found a larger fill. A node whose fractional plan keeps the minimums and the
   count decides its undecided venues on that plan (used on, the others off; without a count,
   only those it leaves out) rather than solving the relaxed box of all of them, each venue its
   own lot group and the dearest box of the search; and a count branch hands its proven box
   plan to the child that keeps it. At most
   ``NODE_LIMIT`` nodes are opened, within ``TIME_LIMIT_S``; the ones left open (and box
   searches that were not proven) keep their bounds, which make the reported gap (infinite if
   one of them could fill more, as a box whose largest fill ran out of ``lot_fill.SEARCH_CALLS``
   can). A search given
   an incumbent walks the tree of the previous search over the same venues (``solve``): a
   quote-unit plan's second search, at a fill next to its first, then solves almost nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sor_desktop.core.lot_curve import LotCurve, envelope
from sor_desktop.core.lot_fill import fill_bound, max_fill, max_fill_bounded
from sor_desktop.core.lot_groups import Group, continuous_solution, min_cost
from sor_desktop.core.lot_relax import Relaxation

REL_EPS = 1e-12
# Nodes the branch and bound may open; past it the open nodes' bounds make the reported gap.
NODE_LIMIT = 400
# An unproven node whose bound is looser than this (relative: 0.002 bps of a cost that is about
# the notional) is split further rather than left open; tighter ones are left in the gap.
LOOSE = 2e-7
# ... and the CPU seconds one search may spend opening them (the preview plans on the Qt thread).
TIME_LIMIT_S = 0.025


@dataclass(frozen=True, slots=True)
class Allocation:
    fill: int  # grains
    cost: float  # all-in money cost (minus the proceeds for a sell)
    lots: tuple[int, ...]  # per venue, same order as the curves
    objective: float = math.nan  # cost + the leg cost of every venue used (nan: same as cost)
    bound: float = math.nan  # proven lower bound on the objective of any plan with this fill

    @property
    def total(self) -> float:
        return self.cost if math.isnan(self.objective) else self.objective

    @property
    def gap(self) -> float:
        """How much above the optimum the objective may be (0 when proven optimal)."""
        return 0.0 if math.isnan(self.bound) else max(0.0, self.total - self.bound)


@dataclass(frozen=True, slots=True)
class _Box:
    fill: int
    cost: float
    lots: tuple[int, ...]
    exact: bool  # False when the window search was narrowed: cost is then not proven minimal
    floor: float  # proven lower bound on the box's cost at this fill
    upper: int  # proven bound on the box's largest fill: above ``fill`` when its search was cut


def _groups(curves: Sequence[LotCurve], m: Sequence[int], low: Sequence[int], up: Sequence[int],
            known: dict[tuple[object, ...], Group] | None = None) -> list[Group]:
    """The venues with room, by lot size; ``known`` holds the groups built before over the same
    curves (a group is the same whenever its venues' curves and bounds are: sibling nodes of a
    search differ in one venue, so most of their groups were built already)."""
    by_m: dict[int, list[int]] = {}
    for i in range(len(curves)):
        if up[i] > 0:
            by_m.setdefault(m[i], []).append(i)
    if known is None:
        return [Group(mm, idx, curves, low, up) for mm, idx in sorted(by_m.items())]
    out = []
    for mm, idx in sorted(by_m.items()):
        key = (mm, *((i, id(curves[i]), low[i], up[i]) for i in idx))
        g = known.get(key)
        if g is None:
            g = known[key] = Group(mm, idx, curves, low, up)
        out.append(g)
    return out


def _box(curves: Sequence[LotCurve], m: Sequence[int], low: Sequence[int], up: Sequence[int],
         target: int, groups: Sequence[Group] | None = None) -> _Box | None:
    if groups is None:
        groups = _groups(curves, m, low, up)
    if not groups:
        return _Box(0, 0.0, (0,) * len(curves), True, 0.0, 0)
    fills = max_fill_bounded(groups, target)
    if fills is None:
        return None
    return _box_at(groups, *fills, len(curves))


def _box_at(groups: Sequence[Group], fill: int, upper: int, n: int, near: Sequence[int] | None = None) -> _Box:
    """The cheapest plan of the box at ``fill`` (``upper``: the proven bound on its largest fill)."""
    lots = [0] * n
    found = min_cost(groups, fill, near=near)
    if found is None:  # reachable, but the bounded search found no plan: the node stays open
        return _Box(fill, math.inf, tuple(lots), False, _continuous_floor(groups, fill), upper)
    cost, ys, exact = found
    for g, y in zip(groups, ys, strict=True):
        g.assign(y, lots)
    floor = cost if exact else _continuous_floor(groups, fill)
    return _Box(fill, cost, tuple(lots), exact, floor, upper)


class _DecidedBoxes:
    """The box problems of nodes whose venues are all decided (on from the minimum, or off), by
    their bounds: each one's groups built once and each fill's cheapest plan solved once. A
    quote-unit plan comes back to one venue set and its fills: the seed, the leaf of its first
    search, the fill probes (``FixedSet``) and the leaf of the proof search."""

    def __init__(self, curves: Sequence[LotCurve], m: Sequence[int],
                 groups: dict[tuple[object, ...], Group] | None = None) -> None:
        self.curves, self.m = curves, m
        # the groups the searches' nodes build (``Prepared.groups``): a decided box mostly shares
        # its groups (a venue on from its minimum, or a lot size of such venues) with the nodes'
        # boxes and with the other decided boxes, which rebuilt each of them (a fifth of a ten-venue
        # plan's solve time went to building groups)
        self._groups = groups
        self._known: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[list[Group], dict[int, _Box]]] = {}

    def _entry(self, low: Sequence[int], up: Sequence[int]) -> tuple[list[Group], dict[int, _Box]]:
        key = (tuple(low), tuple(up))
        entry = self._known.get(key)
        if entry is None:
            entry = self._known[key] = (_groups(self.curves, self.m, low, up, self._groups), {})
        return entry

    def groups(self, low: Sequence[int], up: Sequence[int]) -> list[Group]:
        return self._entry(low, up)[0]

    def solve(self, low: Sequence[int], up: Sequence[int], target: int, least: int = 0) -> _Box | None:
        """The box's cheapest plan at its largest fill up to ``target``; None when it has no plan,
        or none filling ``least`` or more (then nothing is solved)."""
        groups, by_fill = self._entry(low, up)
        if not groups:
            return _Box(0, 0.0, (0,) * len(self.curves), True, 0.0, 0) if least <= 0 else None
        fills = max_fill_bounded(groups, target)
        if fills is None or fills[1] < least:
            return None
        fill, upper = fills
        box = by_fill.get(fill)
        if box is None:
            # the counts of the last fill solved, scaled to this one, start the search (the
            # probes' fills are close)
            last = next(reversed(by_fill.values()), None)
            near = None if last is None or not last.fill else [
                sum(last.lots[i] for i in g.members) * fill // last.fill for g in groups]
            box = by_fill[fill] = _box_at(groups, fill, upper, len(self.curves), near)
        # the same fill under another target can have another bound on the largest fill (when a
        # search was cut): the plan is the fill's, the bound is this target's
        return box if box.upper == upper else replace(box, upper=upper)


def _continuous_floor(groups: Sequence[Group], fill: int) -> float:
    """Cost of the fractional optimum: below every whole-lot plan of the same fill."""
    return continuous_solution(groups, fill)[2]


def _seed(curves: Sequence[LotCurve], m: Sequence[int], target: int, k: int, legs: Sequence[float],
          prep: Prepared, usable: Sequence[bool], best: list[Allocation]) -> None:
    """A first plan for the venue-count search: the ``k`` venues the fractional optimum uses most,
    their lots solved exactly. With it the search bounds nodes by their fractional cost at once."""
    n = len(curves)
    most = min(target, sum(m[i] * curves[i].hi for i in range(n) if usable[i]))
    rel = prep.lp.solve([0 if usable[i] else -1 for i in range(n)], most)
    if rel is None:
        return
    chosen = sorted(range(n), key=lambda i: rel.lots[i] * m[i], reverse=True)[:k]
    chosen = [i for i in chosen if rel.lots[i] > 0]
    chosen = _reaching(chosen, curves, m, most, usable)
    low = [curves[i].lo if i in chosen else 0 for i in range(n)]
    up = [curves[i].hi if i in chosen else 0 for i in range(n)]
    box = prep.boxes.solve(low, up, target)
    if box is None or box.fill == 0 or not math.isfinite(box.cost):
        return
    used = [i for i in range(n) if box.lots[i] > 0]
    value = box.cost + sum(legs[i] for i in chosen)
    money = sum(curves[i].cost(box.lots[i]) for i in used)
    # its leg costs are those of the venues forced on: a chosen venue left at its minimum still pays
    best[0] = Allocation(box.fill, money, box.lots, value, value)


def _reaching(chosen: list[int], curves: Sequence[LotCurve], m: Sequence[int], most: int,
              usable: Sequence[bool]) -> list[int]:
    """The seed's venues, the shallowest swapped for the deepest left out while their depth
    together falls short of ``most`` (the fractional plan spreads over every venue, and its top
    few can lack the depth of the fill: a seed short of the fill bounds nothing by cost, and the
    search went down the subtree without the deepest venue first)."""
    depth = [m[i] * curves[i].hi if usable[i] else 0 for i in range(len(curves))]
    chosen = list(chosen)
    while chosen and sum(depth[i] for i in chosen) < most:
        out = [i for i in range(len(curves)) if i not in chosen and depth[i] > 0]
        if not out:
            break
        deepest = max(out, key=lambda i: depth[i])
        weakest = min(chosen, key=lambda i: depth[i])
        if depth[deepest] <= depth[weakest]:
            break
        chosen[chosen.index(weakest)] = deepest
    return chosen


class FixedSet:
    """The venues of one plan, each on (from its minimum) and the others off: a box problem whose
    groups are built once, so a quote-unit plan probes many fills over them for little."""

    def __init__(self, curves: Sequence[LotCurve], m: Sequence[int], chosen: Sequence[int],
                 legs: Sequence[float], prepared: Prepared | None = None) -> None:
        on = set(chosen)
        self.curves = curves
        self.low = [c.lo if i in on else 0 for i, c in enumerate(curves)]
        self.up = [c.hi if i in on else 0 for i, c in enumerate(curves)]
        self.boxes = prepared.boxes if prepared is not None else _DecidedBoxes(curves, m)
        self.groups = self.boxes.groups(self.low, self.up)
        self.legs = sum(legs[i] for i in on)
        self.period = math.gcd(*(m[i] for i in on)) or 1  # every fill of these venues is a multiple

    def fill(self, target: int) -> int | None:
        """The largest fill of these venues not above ``target`` (the fill of ``solve``), or None."""
        return max_fill(self.groups, target) if self.groups else 0

    def solve(self, target: int) -> Allocation | None:
        """The cheapest plan on these venues at their largest fill not above ``target``; its
        ``bound`` is -inf: it says nothing about the plans of other venues."""
        box = self.boxes.solve(self.low, self.up, target)
        if box is None or not math.isfinite(box.cost):
            return None
        money = sum(c.cost(x) for c, x in zip(self.curves, box.lots, strict=True) if x)
        return Allocation(box.fill, money, box.lots, box.cost + self.legs, -math.inf)


class Prepared:
    """What every solve over the same venues shares: envelopes, ``x*`` and the sorted pieces."""

    def __init__(self, curves: Sequence[LotCurve], m: Sequence[int], legs: Sequence[float]) -> None:
        self.relaxed: list[LotCurve] = []
        self.star: list[int] = []
        for c, leg in zip(curves, legs, strict=True):
            if c.lo <= c.hi and c.hi > 0:
                env, x = envelope(c, leg)
            else:
                env, x = c, c.lo
            self.relaxed.append(env)
            self.star.append(x)
        self.lp = Relaxation(curves, self.relaxed, m, legs)
        self.groups: dict[tuple[object, ...], Group] = {}  # the groups of the searches' nodes (``_groups``)
        self.boxes = _DecidedBoxes(curves, m, self.groups)
        # thread CPU time past which no search over these venues opens another node (shared by
        # the several searches one quote-unit plan makes)
        self.deadline: float | None = None
        self.tree: tuple[int, _Node] | None = None  # the venue count and tree of the last search
        self.m, self.hi = list(m), [c.hi for c in curves]
        # largest fills of the nodes' boxes by their counts per lot size and the target (``span_fill``)
        self._span_fills: dict[tuple[int, ...], tuple[int, int] | None] = {}

    def span_fill(self, spans: Sequence[_Span], target: int) -> tuple[int, int] | None:
        """``max_fill_bounded`` of a node's box by its counts per lot size, each asked once per
        plan: the root's box is every venue from 0, which the router asks again for the reason a
        plan falls short (``fill_bound``), and a few other boxes recur across the searches. Near
        coprime lots (3,000, 12,347, 12,348 and 166,700 grains) take ~0.6 ms a largest fill."""
        key = (target, *(x for sp in spans for x in (sp.m, sp.low, sp.high)))
        if key in self._span_fills:
            return self._span_fills[key]
        found = self._span_fills[key] = max_fill_bounded(spans, target)
        return found

    def fill_bound(self, target: int) -> int:
        """``lot_fill.fill_bound`` of these venues (every one from 0 to its ``hi``): the root box's
        bound on its largest fill."""
        found = self.span_fill(_spans(self.m, [0] * len(self.hi), self.hi), target)
        return found[1] if found is not None else fill_bound(list(zip(self.m, self.hi, strict=True)), target)


@dataclass(slots=True)
class _Node:
    """A node of a finished search. The leaves partition every plan whatever the fill, so a later
    search over the same venues and count can walk the same tree (see ``solve``)."""

    state: list[int]
    bound: tuple[int, float, float] | None = None  # a fill, the relaxation's cost there and its slope
    children: tuple[_Node, _Node] | None = None


def solve(curves: Sequence[LotCurve], m: Sequence[int], target: int,
          max_venues: int | None = None, leg_costs: Sequence[float] | None = None,
          prepared: Prepared | None = None, incumbent: Allocation | None = None) -> Allocation:
    """Best allocation: largest fill <= ``target`` grains, then the least cost plus leg costs
    (module docstring); ``bound`` says how close to the optimum it is proven to be.

    ``incumbent``, a plan of these venues already known (its ``total`` is its true objective),
    starts the search: nodes it beats are dropped at once, and it is kept unless beaten. With one,
    the search walks the tree of the last search over ``prepared`` (same venue count) instead of
    branching from the root: a node whose recorded relaxation, moved along its slope to the
    incumbent's fill, does not beat the incumbent is dropped with its subtree, without solving
    anything (the relaxation is convex in the fill, so that line is below it); the others branch
    as they did, and their leaves are searched afresh. A quote-unit plan proves its fill this way
    next to the fill of its first search (the same tree, every bound moved by about the price of
    the difference)."""
    n = len(curves)
    k = n if max_venues is None else max(0, max_venues)
    legs = [0.0] * n if leg_costs is None else [float(c) for c in leg_costs]
    usable = [c.lo <= c.hi for c in curves]
    prep = prepared if prepared is not None else Prepared(curves, m, legs)
    best = [Allocation(0, 0.0, (0,) * n, 0.0, 0.0)]
    if incumbent is not None and 0 < incumbent.fill <= target:
        best[0] = Allocation(incumbent.fill, incumbent.cost, incumbent.lots, incumbent.total, incumbent.total)
    deadline = time.thread_time() + TIME_LIMIT_S  # CPU time: a busy machine does not cut the search
    if prep.deadline is not None:
        deadline = min(deadline, prep.deadline)
    search = _Search(curves, m, target, k, legs, usable, prep, best, deadline)

    if k > 0:
        if k < sum(usable) and best[0].fill == 0:
            _seed(curves, m, target, k, legs, prep, usable, best)
        last = prep.tree
        if last is not None and last[0] == k and incumbent is not None and best[0].fill > 0:
            prep.tree = (k, search.replay(last[1]))
        else:
            prep.tree = (k, search.visit([0] * n))
        while True:
            while search.deferred:
                todo, search.deferred = search.deferred, []
                for state, pre in todo:
                    search.visit(state, pre)
            if not search.reopen():
                break
    open_bounds = search.open_bounds
    found = best[0]
    rivals = [b for f, b in open_bounds if f >= found.fill]
    if any(f > found.fill for f, _ in open_bounds):
        return Allocation(found.fill, found.cost, found.lots, found.total, -math.inf)
    bound = min([found.total, *rivals])
    return Allocation(found.fill, found.cost, found.lots, found.total, bound)


class _Search:
    """One branch-and-bound search of ``solve``: what its nodes share, and their visits as methods
    (nested functions calling each other would be a reference cycle holding the venues' arrays
    until the cycle collector frees them, in a pause inside some later plan)."""

    def __init__(self, curves: Sequence[LotCurve], m: Sequence[int], target: int, k: int, legs: list[float],
                 usable: list[bool], prep: Prepared, best: list[Allocation], deadline: float) -> None:
        self.curves, self.m, self.target, self.k, self.legs, self.usable = curves, m, target, k, legs, usable
        self.n = len(curves)
        self.prep = prep
        self.relaxed, self.star, self.lp = prep.relaxed, prep.star, prep.lp
        self.reach = [m[i] * curves[i].hi if usable[i] else 0 for i in range(self.n)]
        self.n_usable = sum(1 for i in range(self.n) if usable[i] and curves[i].hi > 0)
        self.best = best
        self.open_bounds: list[tuple[int, float]] = []  # nodes left unexplored (budget) or not proven
        self.nodes = [0]
        self.deadline = deadline
        self.fills: dict[tuple[int, ...], tuple[int, int] | None] = {}  # per node: its box's largest fill
        # nodes whose largest fill is not proven, visited after the others, and the incumbent's
        # fill when each one was put off
        self.deferred: list[tuple[list[int], tuple[int, float, float] | None]] = []
        self.deferred_at: dict[tuple[int, ...], int] = {}
        # nodes settled below their unproven largest fill: (state, that fill, the fill solved,
        # where their open bound is in ``open_bounds``), for ``reopen``
        self.unproven: list[tuple[list[int], int, int, int]] = []

    def reopen(self) -> bool:
        """Nodes settled below an unproven largest fill that the best plan has reached since (a
        deferred node visited before another deferred one found that fill): visited again, each
        is solved at exactly that fill (``visit``), and its open bound, which made the plan's gap
        infinite, goes. True when any node was visited."""
        best = self.best[0].fill
        due: list[tuple[list[int], int, int, int]] = []
        rest: list[tuple[list[int], int, int, int]] = []
        for u in self.unproven:
            (due if u[1] == best and u[2] < best else rest).append(u)
        if not due or self._spent():
            return False
        self.unproven = rest
        for state, _, _, at in due:
            self.open_bounds[at] = (0, math.inf)  # answered by the visit below, at the best fill
            self.visit(state)
        return True

    def _spent(self) -> bool:  # the time only counts once there is a plan (the dive to one is short)
        if self.nodes[0] > NODE_LIMIT:
            return True
        return self.best[0].fill > 0 and time.thread_time() > self.deadline

    def better(self, fill: int, value: float, than: Allocation) -> bool:
        if fill != than.fill:
            return fill > than.fill
        return value < than.total - REL_EPS * (1.0 + abs(than.total))

    def visit(self, state: list[int], pre: tuple[int, float, float] | None = None,
              known: _Box | None = None) -> _Node:
        # state per venue: -1 off, 0 free, 1 on; ``pre``: a bound from the parent (``_branch``);
        # ``known``: the parent's box, proven, when it is also this node's (``_branch``)
        n, k, star, curves, usable, legs, reach = (self.n, self.k, self.star, self.curves, self.usable, self.legs,
                                                   self.reach)
        rec = _Node(state)
        on_count = sum(1 for s in state if s == 1)
        if on_count > k:
            return rec
        if on_count == k:  # the count is spent: every undecided venue is off (a tighter relaxation)
            state = [s if s else -1 for s in state]
        if known is not None and all(state[i] >= 0 for i in range(n) if known.lots[i]):
            # the parent's plan is in this node, at the same value: its cost on this node's curves
            cost = sum((self.relaxed[i] if state[i] == 0 else curves[i]).cost(x)
                       for i, x in enumerate(known.lots) if x)
            fixed = sum(legs[i] for i in range(n) if state[i] == 1)
            return self._settle(rec, state, replace(known, cost=cost, floor=cost), fixed)
        incumbent = self.best[0]
        most = min(self.target, sum(reach[i] for i in range(n) if state[i] >= 0))
        if most < incumbent.fill:
            return rec
        low = [curves[i].lo if state[i] == 1 else 0 for i in range(n)]
        up = [curves[i].hi if state[i] >= 0 and usable[i] else 0 for i in range(n)]
        free = any(state[i] == 0 and up[i] for i in range(n))
        groups: list[Group] | None = None
        fills: tuple[int, int] | None = None
        if free and most > incumbent.fill:
            # the largest fill of the node's box (a few tenths of a millisecond, where solving its
            # lots takes milliseconds) bounds the node's: a node that cannot pass the incumbent's
            # fill is decided by cost below, and one that can branches on its fractional plan
            # before any lots are solved, as the relaxed boxes of ten venues with minimums are
            # the dearest of the search and the fractional plan most often branches as theirs
            key = tuple(state)
            if key in self.fills:
                fills = self.fills[key]
            else:  # the counts each lot size can take are all it needs: no groups built yet
                fills = self.fills[key] = self.prep.span_fill(_spans(self.m, low, up), self.target)
            if fills is None:
                return rec
            if fills[0] < fills[1] and self.deferred_at.get(key, -1) < incumbent.fill:
                # its largest fill is not proven (lot_fill's budget): solved now, the node would
                # stay open at its bound on the fill, at any cost. Once the search has found a
                # plan of that fill, the node is a question of cost at it, which its fractional
                # plan answers without the fill: so it waits for the others (again, each time
                # they find a larger fill; visited as it is once they find none)
                self.deferred_at[key] = incumbent.fill
                self.deferred.append((state, pre))
                return rec
            if fills[0] == fills[1]:
                most = fills[0]
                if most < incumbent.fill:
                    return rec
        lp_at = None
        if incumbent.fill > 0 and most == incumbent.fill:  # cost decides: the fractional bound first
            if pre is not None and pre[0] == incumbent.fill and not self.better(pre[0], pre[1], incumbent):
                rec.bound = pre
                return rec
            lp_at = incumbent.fill
        elif fills is not None and fills[0] == fills[1] and most > incumbent.fill:
            # the node may fill more than the incumbent: no cost bound drops it, but a fractional
            # plan that breaks a minimum or the count branches as when cost decides
            lp_at = most
        rel = self.lp.solve(state, lp_at) if lp_at is not None else None
        if rel is None and lp_at == incumbent.fill:
            return rec
        if rel is not None and lp_at is not None:
            parent = (lp_at, rel.cost, rel.slope) if math.isfinite(rel.slope) else None
            if parent is not None:
                rec.bound = parent
            if lp_at == incumbent.fill and not self.better(incumbent.fill, rel.cost, incumbent):
                return rec
            xs = rel.lots
            short_f = [i for i in range(n) if state[i] == 0 and 1e-9 < xs[i] < star[i] - 1e-9]
            used_f = [i for i in range(n) if xs[i] > 1e-9]
            split: tuple[int, bool] | None = None
            if not short_f and len(used_f) <= k:
                split = self._decide_free(state, xs, up)
            if short_f or len(used_f) > k or split is not None:  # branch, no lots solved here
                self.nodes[0] += 1
                if self._spent():
                    self.open_bounds.append((lp_at, rel.cost))
                    return rec
                if split is not None:
                    rec.children = self._split(state, split[0], split[1], parent)
                else:
                    rec.children = self._branch(state, xs, short_f, used_f, parent)
                return rec
        fixed = sum(legs[i] for i in range(n) if state[i] == 1)
        # a node whose largest fill is below the best plan's has nothing to offer: its lots are
        # not solved (a node that cost let through because the venues' depth reaches the fill,
        # while their lots do not: the best single venue's comparison at that venue's own fill)
        least = self.best[0].fill
        if free:
            use = [self.relaxed[i] if state[i] == 0 else curves[i] for i in range(n)]
            if groups is None:
                groups = _groups(use, self.m, low, up, self.prep.groups)
            if not groups:
                node = _box(use, self.m, low, up, self.target, groups)
            else:
                key = tuple(state)
                if fills is None:
                    fills = self.fills[key] if key in self.fills else max_fill_bounded(groups, self.target)
                    self.fills[key] = fills
                if fills is None or fills[1] < least:
                    return rec
                if fills[0] < least == most:
                    # its largest fill is not proven and its depth reaches no further than the
                    # best plan's: only its plans of that fill matter, and that box answers
                    node = _box_at(groups, least, least, n)
                else:
                    node = _box_at(groups, *fills, n)
        else:
            node = self.prep.boxes.solve(low, up, self.target, least)
        if node is None:
            return rec
        return self._settle(rec, state, node, fixed)

    def _settle(self, rec: _Node, state: list[int], node: _Box, fixed: float) -> _Node:
        """A node whose box is solved: a plan, a bound, or a branch on its plan."""
        n, k, star, curves = self.n, self.k, self.star, self.curves
        if node.upper > node.fill:  # its largest fill was not proven: a larger one stays open
            self.unproven.append((list(state), node.upper, node.fill, len(self.open_bounds)))
            self.open_bounds.append((node.upper, -math.inf))
        floor = node.floor + fixed
        if not self.better(node.fill, floor, self.best[0]):
            return rec
        self.nodes[0] += 1
        if self._spent():
            self.open_bounds.append((node.fill, floor))
            return rec
        x = node.lots
        short = [i for i in range(n) if state[i] == 0 and 0 < x[i] < star[i]]
        used = [i for i in range(n) if x[i] > 0]
        if not short and len(used) <= k:
            value = node.cost + fixed  # free venues used are at x* or more: the envelope is exact
            if math.isfinite(value) and self.better(node.fill, value, self.best[0]):
                money = sum(curves[i].cost(x[i]) for i in used)
                self.best[0] = Allocation(node.fill, money, x, value, value)
            if not node.exact:
                if value - floor > LOOSE * (1.0 + abs(value)) and any(state[i] == 0 for i in used):
                    # not proven, and the envelopes of the undecided venues it uses make its
                    # bound loose: deciding one tightens both children (each is exact more often)
                    rec.children = self._branch(state, x, [], used)
                else:
                    self.open_bounds.append((node.fill, floor))
            return rec
        rec.children = self._branch(state, x, short, used, box=node if node.exact else None)
        return rec

    def _branch(self, state: list[int], x: Sequence[float], short: list[int], used: list[int],
                parent: tuple[int, float, float] | None = None, box: _Box | None = None) -> tuple[_Node, _Node]:
        if short:
            i = max(short, key=lambda j: x[j] / self.star[j])
            keep_first = 2 * x[i] >= self.star[i]
        else:  # too many venues: keep the biggest first, which reaches a good plan quickly
            i = max((j for j in used if state[j] == 0), key=lambda j: x[j] * self.m[j])
            keep_first = True
        return self._split(state, i, keep_first, parent, box, x[i])

    def _decide_free(self, state: list[int], xs: Sequence[float], up: Sequence[int]) -> tuple[int, bool] | None:
        """A fractional plan that keeps the minimums and the count: a venue to decide on that plan
        before any box is solved, or None to solve the node's box. The relaxed box
        of the undecided venues (each its own lot group, on its envelope) is the dearest box of
        the search, and its plan mostly branches anyway: with the count binding it breaks the
        count, and with any count a venue with a large minimum takes a lot or two of it to land
        the exact fill, far below its ``x*`` (the two children then solve nearly the same box
        again, level after level; a box of 4-5 groups costs ~0.5 ms). Deciding the venues the
        fractional plan uses (on) and then the others (off) leads to boxes of decided venues
        only, which the searches share (``_DecidedBoxes``), and every sibling is bounded by its
        Lagrangian first. Deciding only from three undecided venues and only with the count
        binding made the slowest plans solve about a third more instructions; deciding every
        venue, also the used ones without a count, ~3% more over the fuzz and families (and
        twice the time of some five-venue plans)."""
        free = [i for i in range(self.n) if state[i] == 0 and up[i]]
        if not free:
            return None
        used = [i for i in free if xs[i] > 1e-9]
        if self.k < self.n_usable:  # the count binds
            if used:
                return max(used, key=lambda j: xs[j] * self.m[j]), True
            return free[0], False
        # no count: the venues the fractional plan uses (at ``x*`` or more) mostly stay there in the
        # box's plan, which is then a plan of the node (five venues, all used: one box, where
        # deciding each took 29 nodes); the ones it leaves out are those the box pulls in for a lot
        # or two, so those are decided (off first)
        unused = [i for i in free if xs[i] <= 1e-9]
        return (unused[0], False) if unused else None

    def _split(self, state: list[int], i: int, keep_first: bool, parent: tuple[int, float, float] | None = None,
               box: _Box | None = None, xi: float = 0.0) -> tuple[_Node, _Node]:
        on, off = list(state), list(state)
        on[i], off[i] = 1, -1
        pre_on = pre_off = None
        if parent is not None:
            # the parent's relaxation is its Lagrangian at its price per grain ``lam``, a sum of one
            # term per venue: a child changes venue i's term only, and the Lagrangian at the same
            # ``lam`` bounds the child's relaxation at any fill (``lam`` per grain from that one)
            at, cost, lam = parent
            free_gain, on_gain = self.lp.surplus(lam)
            pre_off = (at, cost + free_gain[i], lam)
            lp = self.lp
            pre_on = (at, cost + free_gain[i] + lp.lo_cost[i] + self.legs[i] - lam * lp.lo_grains[i] - on_gain[i], lam)
        # the parent's proven box plan is the child's when the child keeps it at the same value:
        # the child's curves are at or above the parent's, and equal at that plan, which is the
        # case of the "on" child of a venue at ``x*`` or more (the venue-count branch) and the
        # "off" child of an unused one. Ten venues with at most three would otherwise solve the
        # same relaxed box of every venue at each step down the count branches, ~3 ms each.
        on_box = box if box is not None and xi >= self.star[i] else None
        off_box = box if box is not None and xi == 0 else None
        if keep_first:
            return self.visit(on, pre_on, on_box), self.visit(off, pre_off, off_box)
        return self.visit(off, pre_off, off_box), self.visit(on, pre_on, on_box)

    def replay(self, rec: _Node) -> _Node:
        inc = self.best[0]
        if rec.bound is not None and inc.fill > 0:
            at, cost, slope = rec.bound
            most = min(self.target, sum(self.reach[i] for i in range(self.n) if rec.state[i] >= 0))
            if most <= inc.fill and not self.better(inc.fill, cost + slope * (inc.fill - at), inc):
                return rec  # nothing in it fills more, and nothing of the incumbent's fill beats it
        if rec.children is None:
            return self.visit(rec.state)
        return _Node(rec.state, rec.bound, (self.replay(rec.children[0]), self.replay(rec.children[1])))


@dataclass(slots=True)
class _Span:
    """Venues of one lot size as ``lot_fill`` sees them: a count from ``low`` to ``high`` lots
    (venues each in an interval of counts take every count between their sums)."""

    m: int
    low: int
    high: int


def _spans(m: Sequence[int], low: Sequence[int], up: Sequence[int]) -> list[_Span]:
    """The venues with room by lot size, as ``_groups`` makes them, without their costs."""
    by_m: dict[int, list[int]] = {}
    for i, u in enumerate(up):
        if u > 0:
            s = by_m.setdefault(m[i], [0, 0])
            s[0] += low[i]
            s[1] += u
    return [_Span(mm, lo, hi) for mm, (lo, hi) in sorted(by_m.items())]


# Nodes ``fills_more`` may open before it gives up (each one a ``max_fill`` of a few groups), and
# the CPU seconds it may spend on them (a ``max_fill`` of near-coprime lots can take 10 ms).
FILL_NODES = 200
FILL_TIME_S = 0.005


def fills_more(curves: Sequence[LotCurve], m: Sequence[int], target: int, than: int,
               bound: int | None = None) -> bool | None:
    """Whether some plan of any number of venues, minimums kept, fills more than ``than`` grains
    without passing ``target``; None when that is not settled within ``FILL_NODES`` nodes and
    ``FILL_TIME_S`` (or a largest fill was cut by its budget). Only fills: no lots are solved, so the question costs a
    few ``max_fill`` calls where a full search at the largest fill solves box problems (which on
    ten venues with minimums took 50-180 ms only to word why a plan falls short).

    A branch and bound over the venues whose minimum is more than one lot (from one lot, "none,
    or from the minimum" is every count up to the top): each node's box, undecided venues from
    0, bounds the fills of its plans, and a box with no such venue left is its own plans.
    ``bound``: a bound on the fill of every venue from 0 already known (``lot_fill.fill_bound``),
    which is the root's: the search starts from its children."""
    usable = [i for i, c in enumerate(curves) if c.lo <= c.hi and c.hi > 0]
    kept = set(usable)
    choice = [i for i in usable if curves[i].lo > 1]
    settled = True
    stack: list[dict[int, bool]] = [{}]  # a loop, not a recursive closure: no reference cycle
    if bound is not None and choice:
        if bound <= than:
            return False
        stack = [{choice[0]: False}, {choice[0]: True}]
    if len(choice) > 1:
        # two leaves first, every such venue off, then every one on: when some plan fills more,
        # one of them most often does, where the first dive down would take a node per venue
        stack += [{i: False for i in choice}, {i: True for i in choice}]
    deadline = time.thread_time() + FILL_TIME_S
    for _ in range(FILL_NODES):
        if not stack:
            return False if settled else None
        if time.thread_time() > deadline:
            return None
        state = stack.pop()
        low = [curves[i].lo if state.get(i) else 0 for i in range(len(curves))]
        up = [curves[i].hi if i in kept and state.get(i) is not False else 0 for i in range(len(curves))]
        found = max_fill_bounded(_spans(m, low, up), target)
        if found is None or found[1] <= than:
            continue
        left = [i for i in choice if i not in state]
        if not left:
            if found[0] > than:
                return True
            settled = False  # a largest fill cut by its budget
            continue
        stack.append({**state, left[0]: False})
        stack.append({**state, left[0]: True})  # on first: all venues on is the likeliest to fill more
    return False if not stack and settled else None
