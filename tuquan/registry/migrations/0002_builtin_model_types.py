"""The national catalogue of model types, seeded with every model named in DOMAIN.md.

Codes are stable identifiers (used by workbooks, the API and indicator breakdowns).
Province administrators add their own types later without code.
"""

from django.db import migrations


NHOM = [{"code": "leader", "label": "Nhóm trưởng"}, {"code": "deputy", "label": "Nhóm phó"},
        {"code": "member", "label": "Thành viên"}]
TO = [{"code": "leader", "label": "Tổ trưởng"}, {"code": "deputy", "label": "Tổ phó"},
      {"code": "member", "label": "Tổ viên"}]
DOI = [{"code": "leader", "label": "Đội trưởng"}, {"code": "deputy", "label": "Đội phó"},
       {"code": "member", "label": "Đội viên"}]
BAN = [{"code": "leader", "label": "Trưởng ban"}, {"code": "deputy", "label": "Phó ban"},
       {"code": "member", "label": "Thành viên"}]


TYPES = [
    # code, name, short name, kind, attaches to, roles, subteams, journal kinds, extra indicators, statutory
    ("to-bao-ve-antt", "Tổ bảo vệ an ninh, trật tự ở cơ sở", "Tổ bảo vệ ANTT", "team", "village", TO, False,
     ["meeting", "patrol", "awareness", "mediation", "tip", "arrest", "items", "incident"], [], True),
    ("lien-gia-tu-quan", "Nhóm liên gia tự quản về an ninh, trật tự", "Nhóm LGTQ", "team", "village", NHOM, False,
     ["meeting", "awareness", "mediation", "tip", "arrest"], [], False),
    ("to-tu-quan", "Tổ nhân dân tự quản", "Tổ tự quản", "team", "village", TO, False,
     ["meeting", "awareness", "mediation", "tip", "incident"], [], False),
    ("tuan-tra-nhan-dan", "Tổ tuần tra nhân dân", "Tổ tuần tra", "team", "village", TO, False,
     ["meeting", "patrol", "tip", "arrest", "items", "incident"], [], False),
    ("dan-phong", "Đội dân phòng", "Đội dân phòng", "team", "village", DOI, False,
     ["meeting", "incident", "awareness"], [{"code": "fire_drills", "label": "Số buổi diễn tập PCCC", "unit": "buổi"}],
     False),
    ("an-ninh-xung-kich", "Tổ an ninh xung kích", "Tổ ANXK", "team", "village", TO, False,
     ["meeting", "patrol", "incident", "tip"], [], False),
    ("toc-ho-tu-quan", "Tộc họ tự quản về an ninh, trật tự", "Tộc họ tự quản", "team", "clan", BAN, False,
     ["meeting", "awareness", "mediation"], [], False),
    ("xu-ho-dao-binh-yen", "Xứ, họ đạo bình yên", "Xứ đạo bình yên", "team", "parish", BAN, False,
     ["meeting", "awareness", "mediation"], [], False),
    ("antt-pccc", "Mô hình tự quản về an ninh, trật tự và phòng cháy, chữa cháy", "Tự quản ANTT và PCCC", "team",
     "village", TO, True, ["meeting", "patrol", "awareness", "incident", "tip"],
     [{"code": "cameras", "label": "Số camera an ninh", "unit": "cái"}], False),
    ("thon-an-toan", "Thôn, tổ dân phố an toàn về an ninh, trật tự", "Thôn an toàn", "programme", "village", BAN,
     False, ["meeting", "awareness"], [], False),
    ("tai-hoa-nhap", "Mô hình giúp đỡ người lầm lỗi tái hòa nhập cộng đồng", "Tái hòa nhập", "team", "village", TO,
     False, ["meeting", "awareness"], [], False),
    ("nguoi-uy-tin", "Người có uy tín trong đồng bào dân tộc thiểu số", "Người uy tín", "team", "village", NHOM,
     False, ["awareness", "tip", "mediation", "poppy", "migration"], [], False),
    ("cum-giap-ranh", "Cụm an ninh, trật tự giáp ranh", "Cụm giáp ranh", "team", "communes", BAN, False,
     ["meeting", "awareness", "arrest", "tip"], [], False),
    ("phu-nu-khong-nghien", "Phụ nữ không có chồng, con nghiện ma túy", "Phụ nữ không chồng con nghiện", "team",
     "village", NHOM, False, ["meeting", "awareness", "tip"], [], False),
    ("xa-khong-te-nan", "Xã không có tệ nạn xã hội", "Xã không tệ nạn", "programme", "commune", BAN, False,
     ["meeting", "awareness"], [], False),
    ("truong-hoc-an-toan", "Trường học an toàn về an ninh, trật tự", "Trường học an toàn", "programme", "school", BAN,
     False, ["meeting", "awareness"], [], False),
    ("nam-an-toan", "Mô hình “5 an toàn”", "5 an toàn", "programme", "village", BAN, False,
     ["meeting", "awareness"], [], False),
    ("giam-sat-thanh-thieu-nien", "Quản lý, giáo dục thanh thiếu niên vi phạm pháp luật", "Giám sát thanh thiếu niên",
     "team", "village", TO, False, ["meeting", "awareness"], [], False),
    ("zalo-an-ninh", "Nhóm Zalo an ninh", "Zalo an ninh", "team", "village", NHOM, False, ["tip", "awareness"], [],
     False),
    ("camera-an-ninh", "Camera an ninh", "Camera an ninh", "team", "village", TO, False, ["tip", "incident"],
     [{"code": "cameras", "label": "Số camera an ninh", "unit": "cái"}], False),
]


def seed(apps, schema_editor):
    ModelType = apps.get_model("registry", "ModelType")
    for code, name, short, kind, attach, roles, subteams, kinds, extra, statutory in TYPES:
        ModelType.objects.update_or_create(code=code, defaults=dict(
            name=name, short_name=short, kind=kind, attaches_to=attach, roles=roles, has_subteams=subteams,
            journal_kinds=kinds, extra_indicators=extra, is_statutory=statutory, is_builtin=True))


def unseed(apps, schema_editor):
    apps.get_model("registry", "ModelType").objects.filter(is_builtin=True, teams__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_registry")]
    operations = [migrations.RunPython(seed, unseed)]
