"""An OSR manager's assignment counts only while their account holds the role."""

import pytest

from osr.core.roles import assign_role

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_an_assigned_manager_without_the_role_may_not_verify(users):
    service = ServiceFactory(delivery_group=users.own)
    assert users.osr_manager.has_perm("readiness.verify_evidence", service)
    assign_role(users.osr_manager, "viewer")
    demoted = type(users.osr_manager).objects.get(pk=users.osr_manager.pk)
    assert not demoted.has_perm("readiness.verify_evidence", service)
    assert not demoted.has_perm("readiness.waive_requirement", service)
