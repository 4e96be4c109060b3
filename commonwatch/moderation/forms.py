from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), required=False, max_length=1000
    )
