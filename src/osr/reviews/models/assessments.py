"""Each panel member's assessment of a service against the board's seven criteria."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models, transaction
from django.utils import timezone

from osr.core.models import TimestampedModel
from osr.core.refusals import Conflicting, Forbidden, Refusal

from ..board_rules import assessment_errors
from ..choices import Criterion, Rating
from .boards import AgendaItem, PanelMember


class Assessment(TimestampedModel):
    """One panel member's ratings of one service, saved as a draft until submitted."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="assessments")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="assessments")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member__specialism", "member__person__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_assessment_a_member")
        ]

    def __str__(self) -> str:
        return f"{self.member.person}'s assessment of {self.item.service}"

    @property
    def owning_group_id(self) -> int:
        return self.item.board.delivery_group_id

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @classmethod
    def save_ratings(
        cls,
        item: AgendaItem,
        member: PanelMember,
        ratings: Mapping[str, tuple[str, str]],
        *,
        submit: bool,
    ) -> Assessment:
        """Save a member's ratings as a draft to return to, or submit them for good.

        Only the board's own panel assess; a submitted assessment no longer
        changes, and none is taken once the outcome is recorded.
        """
        if member.board_id != item.board_id:
            raise Forbidden("Only the board's panel members assess its services")
        with transaction.atomic():
            assessment, _ = cls.objects.select_for_update().get_or_create(item=item, member=member)
            if AgendaItem.objects.filter(pk=item.pk, decided=True).exists():
                raise Conflicting("The board's outcome is recorded: assessments are closed")
            item.board.refuse_if_cancelled("assessments are closed")
            if assessment.submitted:
                raise Conflicting("Your assessment is submitted: it no longer changes")
            errors = assessment_errors(ratings, submit=submit)
            if errors:
                raise Refusal(errors)
            existing = {r.criterion: r for r in assessment.ratings.all()}
            for criterion in Criterion.values:
                rating, comment = ratings.get(criterion, ("", ""))
                row = existing.get(criterion) or CriterionRating(
                    assessment=assessment, criterion=criterion
                )
                if row.pk and (row.rating, row.comment) == (rating, comment.strip()):
                    continue
                row.rating, row.comment = rating, comment.strip()
                row.save()
            if submit:
                assessment.submitted_at = timezone.now()
            assessment.save()
        return assessment


class CriterionRating(models.Model):
    """A panel member's red, amber or green for one criterion, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_rating_a_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.rating or 'not rated'}"
