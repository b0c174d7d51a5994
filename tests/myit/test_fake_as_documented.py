"""The fake ServiceNow is as strict as ServiceNow's documentation, over raw HTTP."""

import base64
import json

import httpx
import pytest

JSON = {"Accept": "application/json", "Content-Type": "application/json"}


@pytest.fixture
def http(fake_myit):
    with httpx.Client(
        base_url=fake_myit.base_url, auth=(fake_myit.username, fake_myit.password)
    ) as made:
        yield made


def test_a_field_the_table_lacks_is_ignored_in_writes_reads_and_queries(http, fake_myit):
    for name in ("Waste", "Flood"):
        http.post(
            "/api/now/table/sys_user_group", headers=JSON, json={"name": name, "u_osr_id": name}
        )

    [stored] = [g for g in fake_myit.records("sys_user_group") if g["name"] == "Waste"]
    assert "u_osr_id" not in stored
    read = http.get(
        "/api/now/table/sys_user_group",
        headers=JSON,
        params={"sysparm_fields": "name,u_osr_id", "sysparm_query": "u_osr_id=Waste"},
    ).json()["result"]
    # The condition on a field the table lacks is dropped: the whole table comes back.
    assert sorted(r["name"] for r in read) == ["Flood", "Waste"]
    assert all(set(r) == {"name"} for r in read)


def test_a_caret_always_separates_conditions(http, fake_myit):
    fake_myit.seed("sys_user_group", name="A^B")
    fake_myit.seed("sys_user_group", name="A")

    read = http.get(
        "/api/now/table/sys_user_group", headers=JSON, params={"sysparm_query": "name=A^^B"}
    ).json()["result"]

    assert [r["name"] for r in read] == ["A"]


def test_json_must_be_asked_for_and_sent(http):
    refused = http.get("/api/now/table/sys_user", headers={"Accept": "text/html"})
    unsent = http.post(
        "/api/now/table/sys_user_group",
        headers={"Accept": "application/json", "Content-Type": "text/plain"},
        content=b'{"name": "x"}',
    )

    assert refused.status_code == 406
    assert unsent.status_code == 415 and unsent.json()["status"] == "failure"


def test_acls_refuse_with_403_and_hide_or_keep_fields(http, fake_myit):
    group = fake_myit.seed("sys_user_group", name="Waste", email="a@defra.example")
    fake_myit.deny("cmdb_ci", "create")
    fake_myit.deny("sys_user_group", "read", field="email")
    fake_myit.deny("sys_user_group", "write", field="description")

    created = http.post("/api/now/table/cmdb_ci_service_business", headers=JSON, json={"name": "x"})
    patched = http.patch(
        f"/api/now/table/sys_user_group/{group['sys_id']}",
        headers=JSON,
        json={"description": "Supports waste", "name": "Waste support"},
    )

    assert created.status_code == 403
    assert "ACL Exception Insert Failed" in created.json()["error"]["detail"]
    assert patched.status_code == 200
    assert patched.json()["result"]["name"] == "Waste support"
    assert "email" not in patched.json()["result"]
    assert "description" not in fake_myit.records("sys_user_group")[0]


def test_a_standard_change_takes_only_its_template_fields_and_says_which_it_ignored(
    http, fake_myit
):
    template = fake_myit.seed(
        "std_change_record_producer",
        name="Deploy a web app",
        active="true",
        template="short_description=Deploy a web app^risk=4",
    )

    answer = http.post(
        f"/api/sn_chg_rest/change/standard/{template['sys_id']}",
        headers=JSON,
        json={"short_description": "Deploy waste 1.2", "cmdb_ci": "c" * 32, "correlation_id": "x"},
    ).json()["result"]

    assert isinstance(answer, list)
    [change] = answer
    assert change["short_description"]["value"] == "Deploy waste 1.2"
    assert change["risk"]["value"] == "4"
    assert change["__meta"]["ignoredFields"] == ["cmdb_ci", "correlation_id"]
    assert "cmdb_ci" not in fake_myit.records("change_request")[0]


def test_normal_builds_from_the_default_model_and_change_honours_the_named_one(http):
    normal = http.post(
        "/api/sn_chg_rest/change/normal", headers=JSON, json={"chg_model": "DevOps"}
    ).json()["result"][0]
    named = http.post("/api/sn_chg_rest/change", headers=JSON, json={"chg_model": "DevOps"}).json()[
        "result"
    ][0]
    unknown = http.post("/api/sn_chg_rest/change", headers=JSON, json={"chg_model": "Nope"})

    assert normal["chg_model"]["value"] == "Normal"
    assert normal["__meta"]["ignoredFields"] == ["chg_model"]
    assert named["chg_model"]["value"] == "DevOps" and named["type"]["value"] == "normal"
    assert unknown.status_code == 400


def test_rate_limit_is_counted_per_hour_with_its_headers(http, fake_myit):
    fake_myit.rate_limit(2)

    answers = [http.get("/api/now/table/sys_user", headers=JSON) for _ in range(3)]
    fake_myit.advance(3600)
    after_reset = http.get("/api/now/table/sys_user", headers=JSON)

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2"
    reset = int(answers[0].headers["X-RateLimit-Reset"])
    assert reset % 3600 == 0
    assert 0 < int(answers[2].headers["Retry-After"]) <= 3600
    assert after_reset.status_code == 200
    assert int(after_reset.headers["X-RateLimit-Reset"]) == reset + 3600


def test_tokens_are_refused_with_the_oauth_error_shape(http, fake_myit):
    wrong_client = http.post(
        "/oauth_token.do",
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    wrong_password = http.post(
        "/oauth_token.do",
        data={"grant_type": "password", "client_id": fake_myit.client_id}
        | {"client_secret": fake_myit.client_secret, "username": "osr", "password": "no"},
    )

    assert wrong_client.status_code == 401
    assert wrong_client.json()["error"] == "invalid_client"
    assert wrong_password.json()["error"] == "access_denied"


def test_the_batch_api_runs_each_request_and_answers_in_its_shape(http, fake_myit):
    body = base64.b64encode(json.dumps({"name": "Waste support"}).encode()).decode()
    headers = [{"name": k, "value": v} for k, v in JSON.items()]
    answer = http.post(
        "/api/now/v1/batch",
        headers=JSON,
        json={
            "batch_request_id": "1",
            "rest_requests": [
                {"id": "a", "method": "POST", "url": "/api/now/table/sys_user_group"}
                | {"headers": headers, "body": body},
                {"id": "b", "method": "GET", "url": "/api/now/table/sys_user_group"}
                | {"headers": headers},
            ],
        },
    ).json()

    served = {s["id"]: s for s in answer["serviced_requests"]}
    assert served["a"]["status_code"] == 201
    listed = json.loads(base64.b64decode(served["b"]["body"]))["result"]
    assert [g["name"] for g in listed] == ["Waste support"]
    assert answer["unserviced_requests"] == []


def test_the_dictionary_says_which_fields_each_table_defines(http, fake_myit):
    fake_myit.remove_field("cmdb_ci_service_business", "correlation_id")

    rows = http.get(
        "/api/now/table/sys_dictionary",
        headers=JSON,
        params={"sysparm_query": "nameINcmdb_ci,cmdb_ci_service^elementINname,correlation_id"},
    ).json()["result"]

    assert {(r["name"], r["element"]) for r in rows} == {("cmdb_ci", "name")}
