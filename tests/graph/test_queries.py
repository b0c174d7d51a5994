"""The pure graph functions: reach in each direction, depth limits, paths, cycles."""

from osr.graph.queries import (
    cycles,
    neighbourhood,
    paths,
    reach,
    reach_with_route,
    strongly_connected,
)

from .estate import by_slug, index_of, names

# portal → api → db ; portal → auth ; batch → api ; api → notify (external)
CHAIN = index_of(
    {"portal": "live", "api": "live", "db": "alpha", "auth": "live", "batch": "beta"},
    [("portal", "api"), ("api", "db"), ("portal", "auth"), ("batch", "api"), ("api", "notify")],
    externals=("notify",),
)


def node(index, slug):
    return index.node_for(slug) if slug in index.service_nodes else index.external_nodes[slug]


def test_upstream_reach_lists_what_a_service_needs_with_depth():
    found = by_slug(CHAIN, reach(CHAIN, node(CHAIN, "portal"), "upstream"))
    assert found == {"api": 1, "auth": 1, "db": 2, "notify": 2}


def test_downstream_reach_lists_what_breaks_with_depth():
    found = by_slug(CHAIN, reach(CHAIN, node(CHAIN, "db"), "downstream"))
    assert found == {"api": 1, "portal": 2, "batch": 2}


def test_depth_limit_stops_the_search():
    found = by_slug(CHAIN, reach(CHAIN, node(CHAIN, "db"), "downstream", max_depth=1))
    assert found == {"api": 1}


def test_reach_gives_shortest_depth_when_two_routes_exist():
    index = index_of({"a": "live", "b": "live", "c": "live"}, [("a", "b"), ("b", "c"), ("a", "c")])
    assert by_slug(index, reach(index, node(index, "a"), "upstream")) == {"b": 1, "c": 1}


def test_route_names_the_node_one_step_nearer():
    routes = reach_with_route(CHAIN, node(CHAIN, "db"), "downstream")
    assert [(CHAIN.slugs[r.node], r.depth, r.via and CHAIN.slugs[r.via]) for r in routes] == [
        ("api", 1, None),
        ("batch", 2, "api"),
        ("portal", 2, "api"),
    ]


def test_a_service_with_nothing_recorded_reaches_nothing():
    index = index_of({"alone": "live"}, [])
    assert reach(index, 0, "upstream") == {} and reach(index, 0, "downstream") == {}


def test_paths_lists_every_chain_shortest_first():
    index = index_of(
        {"a": "live", "b": "live", "c": "live", "d": "live"},
        [("a", "b"), ("b", "d"), ("a", "c"), ("c", "b"), ("a", "d")],
    )
    found = [names(index, p) for p in paths(index, node(index, "a"), node(index, "d"))]
    assert found == [["a", "d"], ["a", "b", "d"], ["a", "c", "b", "d"]]


def test_paths_respects_the_depth_limit_and_direction():
    index = index_of({"a": "live", "b": "live", "c": "live"}, [("a", "b"), ("b", "c")])
    assert paths(index, node(index, "a"), node(index, "c"), max_depth=1) == []
    assert paths(index, node(index, "c"), node(index, "a")) == []


def test_paths_do_not_loop_forever_in_a_cycle():
    index = index_of({"a": "live", "b": "live", "c": "live"}, [("a", "b"), ("b", "a"), ("b", "c")])
    assert [names(index, p) for p in paths(index, node(index, "a"), node(index, "c"))] == [
        ["a", "b", "c"]
    ]


def test_cycles_finds_each_loop_once():
    index = index_of(
        {"a": "live", "b": "live", "c": "live", "d": "live", "e": "live"},
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "d")],
    )
    loops = [names(index, loop) for loop in cycles(index)]
    assert loops == [["a", "b", "c", "a"], ["d", "e", "d"]]
    assert sorted(len(group) for group in strongly_connected(index)) == [2, 3]


def test_an_acyclic_graph_has_no_cycles():
    assert cycles(CHAIN) == []


def test_neighbourhood_takes_both_directions_to_the_depth():
    part = neighbourhood(CHAIN, node(CHAIN, "api"), 1)
    assert sorted(names(CHAIN, part.nodes)) == ["api", "batch", "db", "notify", "portal"]
    assert len(part.edges) == 4  # portal → auth is outside
    assert "auth" not in names(CHAIN, part.nodes)
    deeper = neighbourhood(CHAIN, node(CHAIN, "db"), 2)
    assert sorted(names(CHAIN, deeper.nodes)) == ["api", "batch", "db", "portal"]


def test_deep_chains_do_not_hit_the_recursion_limit():
    count = 3000
    index = index_of(
        {f"s{n}": "live" for n in range(count)},
        [(f"s{n}", f"s{n + 1}") for n in range(count - 1)] + [(f"s{count - 1}", "s0")],
    )
    assert len(reach(index, 0, "upstream")) == count - 1
    assert len(cycles(index)) == 1
    assert len(paths(index, 0, count - 1, max_depth=count)) == 1
