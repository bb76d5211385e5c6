"""Page forms for attachments: one upload on the channel page, the three documents on the new-channel page."""
from django import forms
from django.core.exceptions import ValidationError

from ..models import Attachment
from .checks import EMPTY, MISSING, check_upload

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
FILE_HELP = "PDF、JPG或PNG,不超过10 MB。"
# The documents a new channel may bring along (DOMAIN.md: social channels have an operator, a contract
# and a bank account).
ENTRY_DOCUMENTS = (Attachment.Kind.BUSINESS_LICENCE, Attachment.Kind.CONTRACT, Attachment.Kind.ACCOUNT_PERMIT)


def _file_field(label: str, *, required: bool) -> forms.FileField:
    return forms.FileField(
        label=label, required=required, help_text=FILE_HELP, max_length=255,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": MISSING, "empty": EMPTY, "invalid": MISSING, "missing": MISSING,
                        "max_length": "文件名过长,请改短后上传。"},
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="附件类型", choices=[("", "请选择"), *Attachment.Kind.choices],
                             error_messages={"required": "请选择附件类型。",
                                             "invalid_choice": "请选择列表中的附件类型。"})
    file = _file_field("文件", required=True)


class ChannelDocumentsForm(forms.Form):
    """Optional uploads on the new-channel page; field names are the attachment kinds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ENTRY_DOCUMENTS:
            self.fields[kind.value] = _file_field(kind.label, required=False)

    def clean(self):
        cleaned = super().clean()
        for kind in ENTRY_DOCUMENTS:
            file = cleaned.get(kind.value)
            if file:
                try:
                    check_upload(file)  # checked again by the service; here so the message sits by its field
                except ValidationError as exc:
                    self.add_error(kind.value, exc.messages)
        return cleaned

    def documents(self) -> dict:
        return {kind.value: self.cleaned_data.get(kind.value) for kind in ENTRY_DOCUMENTS}
