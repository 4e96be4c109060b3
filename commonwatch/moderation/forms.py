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
    action = forms.ChoiceField(
        choices=[("grant", _("Grant")), ("changes", _("Ask for an edit")), ("deny", _("Deny"))]
    )
    answer = forms.CharField(label=_("Answer (shown to the author)"), max_length=1000)


class FlagForm(forms.Form):
    """No reason is picked for the flagger: they choose the rule themselves."""

    reason = forms.ChoiceField(
        label=_("Which rule does it break?"),
        choices=Rule.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the rule this post breaks: no reason is picked for you."),
            "invalid_choice": _("Choose one of the listed rules."),
        },
    )
    note = forms.CharField(label=_("Anything to add (optional)"), max_length=500, required=False)
