from django.urls import path

from tuquan.journal import views

app_name = "journal"

urlpatterns = [
    path("nhat-ky/<uuid:uid>/", views.team_journal, name="team"),
    path("nhat-ky/<uuid:uid>/ghi/<slug:kind>/", views.entry_create, name="entry_create"),
    path("hoat-dong/<uuid:uid>/", views.entry_detail, name="entry"),
    path("hoat-dong/<uuid:uid>/kiem-tra/", views.entry_review, name="entry_review"),
    path("hoat-dong/<uuid:uid>/xoa/", views.entry_delete, name="entry_delete"),
    path("nhat-ky-xa/<str:ident>/", views.commune_journal, name="commune"),
    # Before the actions' pattern, which would take "kiem-tra" and "thang" as actions.
    path("nhat-ky-xa/<str:ident>/kiem-tra/", views.review_many, name="review_many"),
    path("nhat-ky-xa/<str:ident>/thang/", views.village_month, name="village_month"),
    path("nhat-ky-xa/<str:ident>/<slug:action>/", views.commune_month_action, name="month_action"),
    path("nhat-ky-tinh/<str:ident>/", views.province_journal, name="province"),
    path("tong-hop/<str:ident>/", views.aggregates, name="aggregates"),
]
