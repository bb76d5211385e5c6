from django import forms


class VerifyForm(forms.Form):
    number = forms.CharField(label="审批单号", max_length=40, strip=True)
    code = forms.CharField(label="校验码", max_length=40, strip=True,
                           help_text="16位,如 1A2B-3C4D-5E6F-7A8B,大小写、空格与连字符不限。")
