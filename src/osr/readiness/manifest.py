"""Readiness as code: a service manifest kept in a team's repository, read offline.

Two forms are accepted (see docs/manifest.md): OSR's own manifest
(``apiVersion: osr.defra.gov.uk/v1``, ``kind: Service``) and a Backstage
``catalog-info.yaml`` whose entity carries ``osr.defra.gov.uk/…`` annotations.
Both become the same plain facts the evaluation takes; every problem is
reported with its line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from osr.catalogue.choices import PHASE_ORDER, SupportHours

from . import yamlnodes as y
from .facts import EvidenceFacts, ServiceFacts, SupplierFacts, WaiverFacts

API_VERSION = "osr.defra.gov.uk/v1"
PREFIX = "osr.defra.gov.uk/"

_TOP_KEYS = {"apiVersion", "kind", "metadata", "spec"}
_METADATA_KEYS = {"slug", "name", "description"}
_SPEC_KEYS = {
    "phase",
    "phase_since",
    "entered",
    "critical",
    "uses_live_data",
    "live_data_since",
    "support_contact_email",
    "support_hours",
    "data_owner",
    "suppliers",
    "evidence",
    "waivers",
}
_SUPPLIER_KEYS = {"name", "contracts"}
_CONTRACT_KEYS = {"reference", "start", "end"}
_EVIDENCE_KEYS = {
    "requirement",
    "status",
    "submitted_on",
    "verified_on",
    "attestation",
    "links",
    "date",
    "pack_version",
    "pack_date",
    "reason",
}
_WAIVER_KEYS = {"requirement", "reason", "granted_on", "expires_on"}
_STATUSES = {"submitted", "verified", "rejected"}
_ANNOTATIONS = {
    "phase",
    "phase-since",
    "private-beta-since",
    "critical",
    "uses-live-data",
    "live-data-since",
    "support-contact-email",
    "support-hours",
    "data-owner",
    "pack-version",
    "pack-date",
}
_PER_REQUIREMENT = ("evidence-", "verified-", "waived-")


class ManifestError(Exception):
    """A manifest refused, with every problem as ``file:line: problem``."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class Manifest:
    """What a manifest says of a service: the facts, evidence and waivers to evaluate."""

    service: ServiceFacts
    evidence: list[EvidenceFacts] = field(default_factory=list)
    waivers: list[WaiverFacts] = field(default_factory=list)
    form: str = "osr"  # "osr" or "backstage"


def parse_manifest(
    text: str, *, source: str, requirement_ids: set[str], today: dt.date
) -> Manifest:
    """A manifest from YAML text, or ``ManifestError`` listing every problem."""
    problems = y.Problems(source)
    documents = y.compose_all(text, problems)
    manifest = None
    if not problems:
        if not documents:
            problems.add(None, "the file holds no YAML document")
        else:
            reader = _Reader(problems, requirement_ids, today)
            manifest = reader.read(documents)
    if problems or manifest is None:
        raise ManifestError(problems.lines())
    return manifest


class _Reader:
    def __init__(self, problems: y.Problems, requirement_ids: set[str], today: dt.date):
        self.problems = problems
        self.requirement_ids = requirement_ids
        self.today = today

    def read(self, documents) -> Manifest | None:
        for document in documents:
            entries = y.mapping(document, self.problems, "the manifest")
            if entries is None:
                return None
            version = entries.get("apiVersion")
            value = str(getattr(version[1], "value", "")) if version else ""
            if value == API_VERSION:
                return self.osr(document, entries)
            if value.startswith("backstage.io/") and self._annotated(entries):
                return self.backstage(document, entries)
        self.problems.add(
            documents[0],
            f"no OSR manifest here: expected apiVersion {API_VERSION}, or a Backstage entity "
            f"with {PREFIX} annotations",
        )
        return None

    # OSR's own manifest

    def osr(self, document, entries) -> Manifest | None:
        p = self.problems
        y.unknown_keys(entries, _TOP_KEYS, p, "the manifest")
        kind = y.text(entries["kind"][1], p, "kind") if "kind" in entries else None
        if kind != "Service":
            p.add(entries["kind"][1] if "kind" in entries else document, "kind must be Service")
        metadata = self._section(entries, "metadata", document, _METADATA_KEYS)
        spec = self._section(entries, "spec", document, _SPEC_KEYS)
        if metadata is None or spec is None:
            return None
        slug = self._required_text(metadata, "slug", entries["metadata"][1], "metadata")
        name = y.text(metadata["name"][1], p, "metadata.name") if "name" in metadata else slug
        phase = self._phase(spec["phase"][1]) if "phase" in spec else None
        if "phase" not in spec:
            p.add(entries["spec"][1], "spec has no 'phase'")
        get = self._getter(spec)
        entered: dict[str, dt.date] = {}
        if "entered" in spec:
            for key, (key_node, value_node) in (
                y.mapping(spec["entered"][1], p, "spec.entered") or {}
            ).items():
                if key not in PHASE_ORDER:
                    p.add(key_node, f"spec.entered: '{key}' is not a phase")
                elif (day := y.date(value_node, p, f"spec.entered.{key}")) is not None:
                    entered[key] = day
        support_hours = get("support_hours", y.text) or SupportHours.BUSINESS_HOURS
        if support_hours not in SupportHours.values:
            p.add(
                spec["support_hours"][1],
                f"support_hours must be one of: {', '.join(SupportHours.values)}",
            )
        service = ServiceFacts(
            slug=slug or "",
            name=name or slug or "",
            phase=phase or PHASE_ORDER[0],
            phase_since=get("phase_since", y.date) or self.today,
            critical=bool(get("critical", y.boolean)),
            uses_live_data=bool(get("uses_live_data", y.boolean)),
            live_data_since=get("live_data_since", y.date),
            support_contact_email=get("support_contact_email", y.text) or "",
            support_hours=support_hours,
            data_owner=get("data_owner", y.text) or "",
            entered=entered,
            suppliers=tuple(self._suppliers(spec["suppliers"][1])) if "suppliers" in spec else (),
        )
        evidence = [self._evidence(node, i) for i, node in enumerate(self._list(spec, "evidence"))]
        waivers = [self._waiver(node) for node in self._list(spec, "waivers")]
        if self.problems:
            return None
        return Manifest(
            service,
            [e for e in evidence if e is not None],
            [w for w in waivers if w is not None],
        )

    def _section(self, entries, key, document, allowed):
        if key not in entries:
            self.problems.add(document, f"the manifest has no '{key}'")
            return None
        section = y.mapping(entries[key][1], self.problems, key)
        if section is not None:
            y.unknown_keys(section, allowed, self.problems, key)
        return section

    def _required_text(self, section, key, node, what):
        if key not in section:
            self.problems.add(node, f"{what} has no '{key}'")
            return None
        return y.text(section[key][1], self.problems, f"{what}.{key}")

    def _getter(self, section):
        def get(key, reader):
            return reader(section[key][1], self.problems, key) if key in section else None

        return get

    def _list(self, section, key):
        return y.sequence(section[key][1], self.problems, key) if key in section else []

    def _phase(self, node) -> str | None:
        value = y.text(node, self.problems, "phase")
        if value is not None and value not in PHASE_ORDER:
            self.problems.add(node, f"phase must be one of: {', '.join(PHASE_ORDER)}")
            return None
        return value

    def _requirement(self, node) -> str | None:
        value = y.text(node, self.problems, "requirement")
        if value is not None and value not in self.requirement_ids:
            self.problems.add(node, f"no requirement '{value}' in the policy")
            return None
        return value

    def _suppliers(self, node):
        for item in y.sequence(node, self.problems, "suppliers"):
            entries = y.mapping(item, self.problems, "a supplier")
            if entries is None:
                continue
            y.unknown_keys(entries, _SUPPLIER_KEYS, self.problems, "a supplier")
            name = self._required_text(entries, "name", item, "a supplier")
            contracts = []
            for contract in self._list(entries, "contracts"):
                c = y.mapping(contract, self.problems, "a contract")
                if c is None:
                    continue
                y.unknown_keys(c, _CONTRACT_KEYS, self.problems, "a contract")
                start = y.date(c["start"][1], self.problems, "start") if "start" in c else None
                end = y.date(c["end"][1], self.problems, "end") if "end" in c else None
                if start is None or end is None:
                    if "start" not in c or "end" not in c:
                        self.problems.add(contract, "a contract needs a 'start' and an 'end' date")
                    continue
                if end < start:
                    self.problems.add(c["end"][1], "a contract must end after it starts")
                contracts.append((start, end))
            if name:
                yield SupplierFacts(name, tuple(contracts))

    def _evidence(self, node, index: int) -> EvidenceFacts | None:
        entries = y.mapping(node, self.problems, "an evidence item")
        if entries is None:
            return None
        y.unknown_keys(entries, _EVIDENCE_KEYS, self.problems, "an evidence item")
        if "requirement" not in entries:
            self.problems.add(node, "an evidence item has no 'requirement'")
            return None
        requirement = self._requirement(entries["requirement"][1])
        get = self._getter(entries)
        status = get("status", y.text) or "submitted"
        if status not in _STATUSES:
            self.problems.add(
                entries["status"][1], f"status must be one of: {', '.join(sorted(_STATUSES))}"
            )
        links = (
            y.text_list(entries["links"][1], self.problems, "links") if "links" in entries else []
        )
        attestation = get("attestation", y.text) or ""
        if not (links or attestation):
            self.problems.add(node, "an evidence item needs 'links' or an 'attestation'")
        if status == "rejected" and not get("reason", y.text):
            self.problems.add(node, "rejected evidence needs the 'reason' it was rejected")
        submitted = get("submitted_on", y.date) or self.today
        return EvidenceFacts(
            id=index + 1,
            requirement_id=requirement or "",
            status=status,
            submitted_on=submitted,
            reviewed_on=get("verified_on", y.date) if status == "verified" else None,
            evidence_date=get("date", y.date),
            pack_version=get("pack_version", y.text) or "",
            pack_date=get("pack_date", y.date),
            note=get("reason", y.text) or "",
        )

    def _waiver(self, node) -> WaiverFacts | None:
        entries = y.mapping(node, self.problems, "a waiver")
        if entries is None:
            return None
        y.unknown_keys(entries, _WAIVER_KEYS, self.problems, "a waiver")
        requirement = self._required_text(entries, "requirement", node, "a waiver")
        if requirement is not None and requirement not in self.requirement_ids:
            self.problems.add(
                entries["requirement"][1], f"no requirement '{requirement}' in the policy"
            )
        reason = self._required_text(entries, "reason", node, "a waiver")
        get = self._getter(entries)
        return WaiverFacts(
            requirement or "",
            reason or "",
            get("granted_on", y.date) or self.today,
            get("expires_on", y.date),
        )

    # A Backstage catalog-info.yaml with OSR annotations

    def _annotated(self, entries) -> bool:
        return any(key.startswith(PREFIX) for key in self._annotations(entries, report=False))

    def _annotations(self, entries, *, report: bool = True) -> dict:
        problems = self.problems if report else y.Problems("")
        if "metadata" not in entries:
            return {}
        metadata = y.mapping(entries["metadata"][1], problems, "metadata") or {}
        if "annotations" not in metadata:
            return {}
        return y.mapping(metadata["annotations"][1], problems, "metadata.annotations") or {}

    def backstage(self, document, entries) -> Manifest | None:
        p = self.problems
        metadata = y.mapping(entries["metadata"][1], p, "metadata") or {}
        slug = self._required_text(metadata, "name", entries["metadata"][1], "metadata")
        title = y.text(metadata["title"][1], p, "metadata.title") if "title" in metadata else slug
        annotations = {
            k[len(PREFIX) :]: v
            for k, v in self._annotations(entries).items()
            if k.startswith(PREFIX)
        }
        per_requirement: dict[str, dict[str, tuple]] = {}
        for key, (key_node, value_node) in annotations.items():
            prefix = next((pre for pre in _PER_REQUIREMENT if key.startswith(pre)), None)
            if prefix is not None:
                requirement = key[len(prefix) :]
                if requirement not in self.requirement_ids:
                    p.add(
                        key_node,
                        f"annotation {PREFIX}{key}: no requirement '{requirement}' in the policy",
                    )
                per_requirement.setdefault(requirement, {})[prefix] = (key_node, value_node)
            elif key not in _ANNOTATIONS:
                known = ", ".join(sorted(_ANNOTATIONS | {f"{pre}<ID>" for pre in _PER_REQUIREMENT}))
                p.add(key_node, f"unknown annotation {PREFIX}{key} (known: {known})")

        def get(key, reader):
            return reader(annotations[key][1], p, f"{PREFIX}{key}") if key in annotations else None

        if "phase" not in annotations:
            p.add(entries["metadata"][1], f"annotation {PREFIX}phase is required")
        phase = self._phase(annotations["phase"][1]) if "phase" in annotations else None
        private_beta_since = get("private-beta-since", y.date)
        pack_version, pack_date = get("pack-version", y.text) or "", get("pack-date", y.date)
        evidence, waivers = [], []
        for index, (requirement, given) in enumerate(sorted(per_requirement.items())):
            verified_on = (
                y.date(given["verified-"][1], p, "verified date") if "verified-" in given else None
            )
            if "evidence-" in given:
                y.text(given["evidence-"][1], p, f"{PREFIX}evidence-{requirement}")
                pack = requirement in ("LD-1", "PB-1")
                evidence.append(
                    EvidenceFacts(
                        id=index + 1,
                        requirement_id=requirement,
                        status="verified" if verified_on else "submitted",
                        submitted_on=verified_on or self.today,
                        reviewed_on=verified_on,
                        pack_version=pack_version if pack else "",
                        pack_date=pack_date if pack else None,
                    )
                )
            elif "verified-" in given:
                p.add(
                    given["verified-"][0],
                    f"{PREFIX}verified-{requirement} needs {PREFIX}evidence-{requirement}",
                )
            if "waived-" in given:
                reason = y.text(given["waived-"][1], p, "waiver reason")
                waivers.append(WaiverFacts(requirement, reason or "", self.today))
        if p:
            return None
        return Manifest(
            ServiceFacts(
                slug=slug or "",
                name=title or slug or "",
                phase=phase or PHASE_ORDER[0],
                phase_since=get("phase-since", y.date) or self.today,
                critical=bool(get("critical", y.boolean)),
                uses_live_data=bool(get("uses-live-data", y.boolean)),
                live_data_since=get("live-data-since", y.date),
                support_contact_email=get("support-contact-email", y.text) or "",
                support_hours=get("support-hours", y.text) or SupportHours.BUSINESS_HOURS,
                data_owner=get("data-owner", y.text) or "",
                entered={"private_beta": private_beta_since} if private_beta_since else {},
            ),
            evidence,
            waivers,
            form="backstage",
        )
