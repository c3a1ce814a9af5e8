from django.contrib import admin

from kechuang.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "level", "title", "read_at")
    list_filter = ("level",)
    search_fields = ("title", "recipient__username")
    list_select_related = ("recipient",)
