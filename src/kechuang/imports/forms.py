from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"),
                           help_text=_("请使用本页下载的导入模板填写；WPS 请另存为 .xlsx 格式"),
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                                         ".spreadsheetml.sheet", "class": "form-control"}))
