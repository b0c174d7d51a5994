"""The real client against the fake ServiceNow over HTTP: the protocol OSR relies on."""

import logging

import pytest

from osr.myit.client import Credentials, MyitClient, MyitError, MyitUnavailable


def test_list_follows_link_headers_through_every_page_in_sys_id_order(client, fake_myit):
    for n in range(25):
        fake_myit.seed("sys_user", name=f"User {n}", email=f"user{n}@defra.example")

    rows = list(client.list("sys_user", query="emailLIKEdefra", fields=["sys_id"], page_size=10))

    assert len(rows) == 25
    assert len({r["sys_id"] for r in rows}) == 25
    assert [r["sys_id"] for r in rows] == sorted(r["sys_id"] for r in rows)
    assert fake_myit.requests["GET"] == 3


def test_encoded_query_operators_select_what_servicenow_would(client, fake_myit):
    for name in ["Alpha team", "Beta team", "Gamma squad"]:
        fake_myit.seed("sys_user_group", name=name, email=f"{name[:4].lower()}@defra.example")

    def names(query):
        return sorted(r["name"] for r in client.list("sys_user_group", query=query))

    assert names("nameSTARTSWITHal") == ["Alpha team"]
    assert names("nameLIKEteam^name!=Beta team") == ["Alpha team"]
    assert names("name=Beta team^ORname=Gamma squad") == ["Beta team", "Gamma squad"]
    assert names("nameINAlpha team,Gamma squad") == ["Alpha team", "Gamma squad"]
    assert names("nosuchfield~~~nonsense^nameSTARTSWITHG") == ["Gamma squad"]


def test_records_have_32_hex_sys_ids_and_reference_fields_with_link_and_value(client, fake_myit):
    group = client.create("sys_user_group", {"name": "Waste support"})
    service = client.create(
        "cmdb_ci_service_business", {"name": "Waste", "support_group": group["sys_id"]}
    )

    assert len(service["sys_id"]) == 32 and int(service["sys_id"], 16) >= 0
    assert service["support_group"]["value"] == group["sys_id"]
    assert service["support_group"]["link"].endswith(f"/sys_user_group/{group['sys_id']}")


def test_get_returns_a_record_or_none_and_patch_changes_only_given_fields(client, fake_myit):
    created = client.create("cmdb_ci_service_business", {"name": "Waste", "short_description": "a"})

    patched = client.patch(
        "cmdb_ci_service_business", created["sys_id"], {"short_description": "b"}
    )

    assert patched["name"] == "Waste" and patched["short_description"] == "b"
    assert client.get("cmdb_ci_service_business", created["sys_id"])["short_description"] == "b"
    assert client.get("cmdb_ci_service_business", "0" * 32) is None


def test_rate_limit_waits_for_retry_after_then_succeeds(client, fake_myit, waits):
    fake_myit.inject(status=429, retry_after=7, times=1)

    assert list(client.list("sys_user")) == []
    assert waits == [7.0]
    assert fake_myit.requests["GET"] == 2


def test_server_error_is_retried_with_backoff(client, fake_myit, waits):
    fake_myit.inject(status=500, times=2)

    assert list(client.list("sys_user")) == []
    assert len(waits) == 2
    assert 0 <= waits[0] <= 0.5 and 0 <= waits[1] <= 1.0


def test_persistent_server_error_gives_up_with_servicenows_message(client, fake_myit, waits):
    fake_myit.inject(status=500, times=10, message="Transaction cancelled: maximum execution time")

    with pytest.raises(MyitUnavailable, match="Transaction cancelled: maximum execution time"):
        list(client.list("sys_user"))
    assert fake_myit.requests["GET"] == 3


def test_client_error_is_not_retried_and_carries_servicenows_message(client, fake_myit):
    with pytest.raises(MyitError, match="Invalid table no_such_table"):
        client.create("no_such_table", {"name": "x"})
    assert fake_myit.requests["POST"] == 1


def test_create_after_server_error_is_not_sent_twice(client, fake_myit):
    fake_myit.inject(status=500, times=1, methods=("POST",))

    with pytest.raises(MyitError):
        client.create("sys_user_group", {"name": "Waste support"})
    assert fake_myit.requests["POST"] == 1


def test_slow_answers_time_out_and_are_retried_then_given_up(fake_myit, waits):
    fake_myit.inject(delay=0.5, times=3)
    slow = MyitClient(
        fake_myit.base_url,
        Credentials(username=fake_myit.username, password=fake_myit.password),
        timeout=0.1,
        max_attempts=3,
        sleep=waits.append,
    )

    with pytest.raises(MyitUnavailable, match="timed out"):
        slow.get("sys_user", "0" * 32)
    assert fake_myit.requests["GET"] == 3


def test_session_cookies_set_by_the_instance_are_never_sent_back(client, fake_myit):
    for _ in range(3):
        list(client.list("sys_user"))
    client.create("sys_user_group", {"name": "Waste support"})

    assert fake_myit.requests_with_cookie == 0


def test_oauth_client_credentials_fetch_one_token_for_many_requests(fake_myit):
    oauth = MyitClient(
        fake_myit.base_url,
        Credentials(client_id=fake_myit.client_id, client_secret=fake_myit.client_secret),
    )
    for _ in range(3):
        list(oauth.list("sys_user"))

    assert fake_myit.requests["POST"] == 1  # the token
    assert fake_myit.requests["GET"] == 3


def test_wrong_credentials_are_refused_with_servicenows_message(fake_myit):
    wrong = MyitClient(fake_myit.base_url, Credentials(username="osr", password="wrong"))

    with pytest.raises(MyitError, match="User Not Authenticated"):
        list(wrong.list("sys_user"))


def test_normal_change_is_raised_through_the_change_management_api(client, fake_myit):
    change = client.create_change("normal", {"short_description": "Deploy waste 1.2"})

    assert change["number"].startswith("CHG")
    assert change["type"] == "normal"
    assert fake_myit.records("change_request")[0]["short_description"] == "Deploy waste 1.2"


def test_standard_change_needs_an_existing_template(client, fake_myit):
    template = fake_myit.seed("std_change_record_producer", name="Deploy a web app", active="true")

    change = client.create_change(
        "standard", {"short_description": "x"}, template_sys_id=template["sys_id"]
    )
    assert change["type"] == "standard"
    with pytest.raises(MyitError, match="Standard change template not found"):
        client.create_change("standard", {"short_description": "x"}, template_sys_id="f" * 32)


def test_credentials_never_appear_in_log_lines(fake_myit, caplog, waits):
    caplog.set_level(logging.DEBUG)
    fake_myit.inject(status=500, times=1)
    secret = MyitClient(
        fake_myit.base_url,
        Credentials(username=fake_myit.username, password=fake_myit.password),
        sleep=waits.append,
    )
    list(secret.list("sys_user"))
    with pytest.raises(MyitError):
        MyitClient(fake_myit.base_url, Credentials(username="osr", password="s3cr3t-p4ss")).get(
            "sys_user", "0" * 32
        )

    assert caplog.records
    assert fake_myit.password not in caplog.text and "s3cr3t-p4ss" not in caplog.text
    assert "s3cr3t" not in repr(Credentials(username="osr", password="s3cr3t-p4ss"))
