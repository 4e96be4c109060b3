from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    """The camera the clips are imported into; the files come as `archive` or `folder`."""

    camera = forms.ModelChoiceField(queryset=None, label=_("Into which camera"))

    def __init__(self, *args, cameras, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = cameras
        only = list(cameras[:2])
        if len(only) == 1:  # with several, the owner chooses: no import into a guess
            self.fields["camera"].initial = only[0].pk
