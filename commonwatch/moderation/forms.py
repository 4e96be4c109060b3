from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rule


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    rule = forms.ChoiceField(
        label=_("Rule broken (required to reject)"),
        choices=[("", _("—"))] + Rule.choices,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), required=False, max_length=1000
    )


class AppealDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("grant", _("Grant")), ("deny", _("Deny"))])
    answer = forms.CharField(label=_("Answer (shown to the author)"), max_length=1000)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why?"), choices=Rule.choices)
    note = forms.CharField(label=_("Anything to add (optional)"), max_length=500, required=False)
