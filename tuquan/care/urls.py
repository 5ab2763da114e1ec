from django.urls import path

from tuquan.care import views

app_name = "care"

urlpatterns = [
    path("giup-do/", views.person_list, name="list"),
    path("giup-do/them/", views.person_new, name="new"),
    path("giup-do/xuat/", views.person_export, name="export"),
    path("giup-do/nhap/", views.person_import, name="import"),
    path("giup-do/<uuid:uid>/", views.person_detail, name="detail"),
    path("giup-do/<uuid:uid>/gap/", views.person_checkin, name="checkin"),
    path("giup-do/<uuid:uid>/ket-qua/", views.person_outcomes, name="outcomes"),
    path("giup-do/<uuid:uid>/ket-thuc/", views.person_close, name="close"),
    path("giup-do/<uuid:uid>/gioi-thieu/", views.referral_new, name="referral_new"),
    path("giup-do/<uuid:uid>/gioi-thieu/<uuid:referral>/", views.referral_edit, name="referral_edit"),
    path("quy/<uuid:team>/", views.fund_ledger, name="fund"),
    path("quy/<uuid:team>/dong-gop/", views.fund_contribution, name="contribution"),
    path("quy/<uuid:team>/chi/", views.fund_expense, name="expense"),
    path("quy/<uuid:team>/sua/<uuid:entry>/", views.fund_correct, name="correct"),
    path("quy/<uuid:team>/khoa-thang/", views.fund_close_month, name="close_month"),
    path("quy/<uuid:team>/xuat/", views.fund_export, name="fund_export"),
    path("quy/<uuid:team>/nhap/", views.fund_import, name="fund_import"),
]
