"""The client against the strict fake: tokens, changes, hourly rate limits, queries."""

import pytest

from osr.myit.client import Credentials, MyitClient, MyitError, escape


def oauth_client(fake, **credentials):
    return MyitClient(fake.base_url, Credentials(**credentials))


def test_a_refused_token_is_a_clear_error_not_a_crash(fake_myit):
    refused = oauth_client(fake_myit, client_id="osr-client", client_secret="wrong")

    with pytest.raises(MyitError, match="token refused.*invalid_client"):
        list(refused.list("sys_user"))


def test_a_grant_the_instance_does_not_allow_is_named(fake_myit):
    fake_myit.grants = ("password",)
    try:
        with pytest.raises(MyitError, match="client_credentials grant.*unsupported_grant_type"):
            list(
                oauth_client(fake_myit, client_id="osr-client", client_secret="x").list("sys_user")
            )
    finally:
        fake_myit.grants = ("client_credentials", "password")


def test_the_password_grant_signs_in_where_only_it_is_allowed(fake_myit):
    fake_myit.grants = ("password",)
    try:
        client = oauth_client(
            fake_myit,
            username=fake_myit.username,
            password=fake_myit.password,
            client_id=fake_myit.client_id,
            client_secret=fake_myit.client_secret,
        )
        assert list(client.list("sys_user")) == []
    finally:
        fake_myit.grants = ("client_credentials", "password")


def test_a_standard_change_gets_osrs_fields_patched_on_after_its_template(client, fake_myit):
    template = fake_myit.seed(
        "std_change_record_producer",
        name="Deploy a web app",
        active="true",
        template="short_description=Deploy a web app",
    )
    ci = fake_myit.seed("cmdb_ci_service_business", name="Waste")["sys_id"]

    change = client.create_change(
        "standard",
        {"short_description": "Deploy waste 1.2", "cmdb_ci": ci, "correlation_id": "osr:change:1"},
        template_sys_id=template["sys_id"],
    )

    [held] = fake_myit.records("change_request")
    assert held["cmdb_ci"] == ci and held["correlation_id"] == "osr:change:1"
    assert held["short_description"] == "Deploy waste 1.2"
    assert change["number"] == held["number"] and change["type"] == "standard"
    # A retry after a lost answer finds the change by its correlation id.
    found = list(client.list("change_request", query=f"correlation_id={escape('osr:change:1')}"))
    assert [f["sys_id"] for f in found] == [held["sys_id"]]


def test_a_change_model_is_chosen_by_name_on_change(client, fake_myit):
    change = client.create_change("normal", {"short_description": "x", "chg_model": "DevOps"})

    assert change["chg_model"] == "DevOps" and change["type"] == "normal"
    assert fake_myit.records("change_request")[0]["chg_model"] == "DevOps"


def test_a_change_model_the_instance_lacks_is_refused_naming_its_models(client, fake_myit):
    with pytest.raises(MyitError, match="no change model 'Pipeline'.*DevOps, Emergency, Normal"):
        client.create_change("normal", {"short_description": "x"}, model="Pipeline")
    assert fake_myit.records("change_request") == []


def test_an_hourly_limit_pauses_until_the_reset_and_resumes(fake_myit):
    fake_myit.rate_limit(3)
    paused: list[str] = []
    client = MyitClient(
        fake_myit.base_url,
        Credentials(username=fake_myit.username, password=fake_myit.password),
        sleep=fake_myit.advance,
        clock=fake_myit.now,
        on_pause=paused.append,
    )
    client.create("sys_user_group", {"name": "Already counted"})
    fake_myit.inject(status=429, retry_after=3600, times=1)

    for n in range(5):
        client.create("sys_user_group", {"name": f"Group {n}"})

    assert len(fake_myit.records("sys_user_group")) == 6
    assert paused and "rate limit of 3 requests an hour" in paused[-1]
    assert "pausing until" in paused[-1] and "then resuming" in paused[-1]


def test_pacing_keeps_under_the_limit_without_being_refused(fake_myit):
    fake_myit.rate_limit(2)
    client = MyitClient(
        fake_myit.base_url,
        Credentials(username=fake_myit.username, password=fake_myit.password),
        sleep=fake_myit.advance,
        clock=fake_myit.now,
    )

    for _ in range(5):
        list(client.list("sys_user"))

    assert fake_myit.requests["GET"] == 5  # no 429, so nothing sent twice


def test_a_value_holding_a_caret_is_never_escaped_as_two_carets():
    with pytest.raises(MyitError, match="holds \\^"):
        escape("A^B")
    assert escape("dana.Owner@defra.example") == "dana.Owner@defra.example"
