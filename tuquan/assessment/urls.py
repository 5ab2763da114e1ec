from django.urls import path

from tuquan.assessment import views

app_name = "assessment"

urlpatterns = [
    path("danh-gia/", views.index, name="index"),
    path("danh-gia/dot/mo/", views.round_open, name="round_open"),
    path("danh-gia/dot/<uuid:uid>/", views.round_detail, name="round"),
    path("danh-gia/dot/<uuid:uid>/ket-qua/<str:subject>/", views.round_result, name="result"),
    path("danh-gia/dot/<uuid:uid>/de-nghi/", views.round_propose, name="propose"),
    path("danh-gia/dot/<uuid:uid>/phe-duyet/", views.round_approve, name="approve"),
    path("danh-gia/dot/<uuid:uid>/tra-lai/", views.round_return, name="return"),
    path("danh-gia/dot/<uuid:uid>/mo-lai/", views.round_reopen, name="reopen"),
    path("danh-gia/don-vi/", views.unit_list, name="units"),
    path("danh-gia/don-vi/<uuid:uid>/", views.unit_edit, name="unit"),
    path("danh-gia/xep-loai-to/", views.team_grading, name="grading"),
    path("danh-gia/xep-loai-luc-luong/", views.rating_teams, name="rating_teams"),
    path("danh-gia/xep-loai-luc-luong/<uuid:uid>/", views.rating_team, name="rating_team"),
    path("danh-gia/xep-loai-luc-luong/<uuid:uid>/khen-thuong/", views.rating_commend, name="rating_commend"),
    path("danh-gia/khen-thuong/", views.commendations, name="commendations"),
    path("danh-gia/khen-thuong/<uuid:uid>/", views.result_commend, name="result_commend"),
    path("danh-gia/bo-tieu-chi/", views.criteria_set_list, name="criteria_sets"),
    path("danh-gia/bo-tieu-chi/<int:pk>/", views.criteria_set_detail, name="criteria_set"),
    path("danh-gia/bo-tieu-chi/<int:pk>/sua/", views.criteria_set_edit, name="criteria_set_edit"),
    path(
        "danh-gia/bo-tieu-chi/<int:pk>/phien-ban-moi/",
        views.criteria_set_version,
        name="criteria_set_version",
    ),
    path("danh-gia/bo-tieu-chi/<int:pk>/them-tieu-chi/", views.criterion_add, name="criterion_add"),
    path("danh-gia/bo-tieu-chi/<int:pk>/ap-dung/", views.criteria_set_activate, name="criteria_set_activate"),
    path("danh-gia/tieu-chi/<int:pk>/", views.criterion_edit, name="criterion"),
    path("danh-gia/quy-tac/<str:ident>/", views.rules_edit, name="rules"),
    path("dia-ban-trong-diem/moi/", views.hotspot_new, name="hotspot_new"),
    path("dia-ban-trong-diem/<uuid:uid>/", views.hotspot_detail, name="hotspot"),
    path("dia-ban-trong-diem/<uuid:uid>/nhiem-vu/", views.hotspot_task_add, name="task_add"),
    path("dia-ban-trong-diem/<uuid:uid>/nhiem-vu/<int:pk>/xong/", views.hotspot_task_done, name="task_done"),
    path("dia-ban-trong-diem/<uuid:uid>/chuyen-hoa/", views.hotspot_transform, name="transform"),
]
