"""The fields every uploaded-file row has (evidence, attachments), defined once.

Each app's file model subclasses :class:`StoredFile` and adds its parent row, its
``file = stored_file_field("<app>")`` (its own folder of the private storage), its
``objects = RestrictManager()`` and its ``Meta``; uploads are checked and saved through
``core.uploads.check_files`` and ``core.services.save_uploads`` as before.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.uploads import UploadTo, private_storage


def stored_file_field(folder: str) -> models.FileField:
    """The file itself, kept under ``folder`` of the private storage (never served directly)."""
    return models.FileField(_("文件"), storage=private_storage, upload_to=UploadTo(folder),
                            max_length=200)


class StoredFile(models.Model):
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name
