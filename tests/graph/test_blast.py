"""A change's blast radius over the index: counted in full, the most important named."""

from osr.graph.blast import BlastRadius, blast_radius, reached_through_live_data

from .estate import index_of

ESTATE = {
    "core": "private_beta",
    "hub": "live",
    "payments": ("live", True, False),
    "grants": ("live", True, False),
    "archive": "live",  # a loaded index numbers services in the order of their names
    "reports": "live",
    "portal": "alpha",
}
EDGES = [
    ("hub", "core", "runtime_api", True),
    ("payments", "hub", "data_feed", True),
    ("grants", "core"),
    ("reports", "hub"),
    ("portal", "core"),
    ("archive", "portal"),
]


def test_counts_every_affected_service_and_names_live_ones_most_important_first():
    index = index_of(ESTATE, EDGES)

    radius = blast_radius(index, index.node_for("core"))

    assert (radius.affected, radius.live, radius.critical_live, radius.live_data) == (6, 5, 2, 2)
    named = [(s.slug, s.depth, s.critical, s.live_data, s.via) for s in radius.live_services]
    assert named == [
        ("payments", 2, True, True, "hub"),  # critical and fed live data
        ("grants", 1, True, False, None),  # critical
        ("hub", 1, False, True, None),  # fed live data
        ("archive", 2, False, False, "portal"),  # nearest first, then by name
        ("reports", 2, False, False, "hub"),
    ]


def test_names_at_most_as_many_as_asked_but_counts_them_all():
    index = index_of(ESTATE, EDGES)

    radius = blast_radius(index, index.node_for("core"), named=2)

    assert [s.slug for s in radius.live_services] == ["payments", "grants"]
    assert radius.live == 5 and not radius.named_all


def test_a_service_nothing_needs_has_an_empty_blast_radius():
    index = index_of(ESTATE, EDGES)

    radius = blast_radius(index, index.node_for("payments"))

    assert (radius.affected, radius.live, radius.live_services) == (0, 0, [])


def test_live_data_follows_only_dependencies_that_carry_it():
    index = index_of(ESTATE, EDGES)

    fed = reached_through_live_data(index, index.node_for("core"), "downstream")

    assert {index.slugs[n] for n in fed.nonzero()[0]} == {"hub", "payments"}


def test_a_blast_radius_is_kept_and_read_back_as_json():
    index = index_of(ESTATE, EDGES)
    radius = blast_radius(index, index.node_for("core"))

    assert BlastRadius.from_dict(radius.as_dict()) == radius
    assert BlastRadius.from_dict({}).live == 0
