from django.urls import path

from kechuang.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("todo/", views.todo, name="todo"),
    path("read-all/", views.notice_read_all, name="notice_read_all"),
    path("<int:pk>/read/", views.notice_read, name="notice_read"),
]
