"""The criteria sets in force, as data: Circular 124/2021/TT-BCA as amended by Circular
48/2025/TT-BCA ("An toàn về an ninh, trật tự") for residential areas, communes, agencies and
enterprises, and schools, and the new-rural security criterion 19.2. Later versions are added
by the province administrator, never by editing one in use."""

from django.db import migrations

BASIS = "Thông tư 124/2021/TT-BCA, sửa đổi bởi Thông tư 48/2025/TT-BCA"

SETS = [
    {
        "code": "antt-khu-dan-cu",
        "name": "Khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "subject_kind": "residential",
        "deadline": (11, 20),
        "criteria": [
            ("nghi-quyet", "Chi bộ có nghị quyết về công tác bảo đảm ANTT ngay trong quý I", "yes_no", None, False, ""),
            (
                "dang-ky",
                "100% hộ gia đình đăng ký thực hiện tiêu chuẩn “An toàn về an ninh, trật tự”",
                "derived",
                "1",
                False,
                "commitments.households",
            ),
            (
                "khong-vu-viec",
                "Không để xảy ra một trong các vụ việc, tình huống nghiêm trọng về an ninh, trật tự nêu tại Thông tư",
                "yes_no",
                None,
                False,
                "",
            ),
            ("phong-trao", "Phong trào Toàn dân bảo vệ an ninh Tổ quốc được duy trì, có mô hình tự quản hoạt động hiệu quả", "yes_no", None, False, ""),
            ("hoa-giai", "Các mâu thuẫn, tranh chấp được hòa giải kịp thời, không để phát sinh thành vụ việc phức tạp", "yes_no", None, False, ""),
        ],
    },
    {
        "code": "antt-xa",
        "name": "Xã, phường, đặc khu đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "subject_kind": "commune",
        "deadline": (11, 30),
        "criteria": [
            ("nghi-quyet", "Đảng ủy có nghị quyết, chính quyền có kế hoạch bảo đảm ANTT ngay trong quý I", "yes_no", None, False, ""),
            ("khu-dan-cu", "Tỷ lệ khu dân cư đạt tiêu chuẩn “An toàn về ANTT” (%)", "threshold", "70", False, ""),
            ("khong-vu-viec", "Không để xảy ra vụ việc nghiêm trọng về an ninh, trật tự nêu tại Thông tư", "yes_no", None, False, ""),
            ("mo-hinh", "Có ít nhất một mô hình tự quản về ANTT hoạt động hiệu quả", "derived", "1", False, "teams.active"),
            ("vi-pham", "Tội phạm, tai nạn, tệ nạn xã hội được kiềm chế, giảm so với năm trước", "yes_no", None, False, ""),
        ],
    },
    {
        "code": "antt-co-quan-doanh-nghiep",
        "name": "Cơ quan, doanh nghiệp đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "subject_kind": "agency",
        "deadline": (11, 30),
        "criteria": [
            ("ke-hoach", "Có kế hoạch, nội quy bảo vệ cơ quan, doanh nghiệp; lực lượng bảo vệ được kiện toàn", "yes_no", None, False, ""),
            ("bi-mat", "Không để xảy ra lộ, lọt bí mật nhà nước, mất an ninh nội bộ", "yes_no", None, False, ""),
            ("khong-vu-viec", "Không để xảy ra cháy, nổ, tai nạn lao động nghiêm trọng, trộm cắp tài sản lớn", "yes_no", None, False, ""),
            ("vi-pham", "Số cán bộ, người lao động vi phạm pháp luật bị xử lý hình sự", "threshold", "0", True, ""),
        ],
    },
    {
        "code": "antt-doanh-nghiep",
        "name": "Doanh nghiệp đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "subject_kind": "enterprise",
        "deadline": (11, 30),
        "criteria": [
            ("ke-hoach", "Có kế hoạch, nội quy bảo vệ doanh nghiệp; lực lượng bảo vệ được kiện toàn", "yes_no", None, False, ""),
            ("dinh-cong", "Không để xảy ra đình công, ngừng việc tập thể trái pháp luật", "yes_no", None, False, ""),
            ("khong-vu-viec", "Không để xảy ra cháy, nổ, tai nạn lao động nghiêm trọng, trộm cắp tài sản lớn", "yes_no", None, False, ""),
            ("vi-pham", "Số người lao động vi phạm pháp luật bị xử lý hình sự", "threshold", "0", True, ""),
        ],
    },
    {
        "code": "antt-truong-hoc",
        "name": "Cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "subject_kind": "school",
        "deadline": (11, 30),
        "criteria": [
            ("ke-hoach", "Có kế hoạch bảo đảm ANTT trường học, phối hợp với Công an xã", "yes_no", None, False, ""),
            ("ma-tuy", "Không có học sinh, cán bộ, giáo viên nghiện, sử dụng trái phép chất ma túy", "yes_no", None, False, ""),
            ("bao-luc", "Không để xảy ra bạo lực học đường nghiêm trọng", "yes_no", None, False, ""),
            ("vi-pham", "Số học sinh vi phạm pháp luật bị xử lý", "threshold", "0", True, ""),
        ],
    },
    {
        "code": "nong-thon-moi-19-2",
        "name": "Tiêu chí 19.2 nông thôn mới: bảo đảm an ninh, trật tự xã hội",
        "subject_kind": "rural",
        "deadline": (11, 30),
        "basis": "Bộ tiêu chí quốc gia về xã nông thôn mới, tiêu chí 19.2 (hướng dẫn của Bộ Công an)",
        "criteria": [
            ("xay-dung-luc-luong", "Xây dựng lực lượng bảo vệ ANTT ở cơ sở đáp ứng yêu cầu", "yes_no", None, False, ""),
            ("khong-vu-viec", "Không để xảy ra vụ việc nghiêm trọng về an ninh, trật tự", "yes_no", None, False, ""),
            ("mo-hinh", "Có mô hình tự quản về ANTT hoạt động hiệu quả", "derived", "1", False, "teams.active"),
            ("khu-dan-cu", "Tỷ lệ khu dân cư đạt “An toàn về ANTT” (%)", "threshold", "70", False, ""),
        ],
    },
]


def seed(apps, schema_editor):
    CriteriaSet = apps.get_model("assessment", "CriteriaSet")
    Criterion = apps.get_model("assessment", "Criterion")
    for spec in SETS:
        month, day = spec["deadline"]
        cs, created = CriteriaSet.objects.get_or_create(
            code=spec["code"],
            version=1,
            defaults={
                "name": spec["name"],
                "legal_basis": spec.get("basis", BASIS),
                "subject_kind": spec["subject_kind"],
                "status": "active",
                "window_end_month": 10,
                "window_end_day": 31,
                "deadline_month": month,
                "deadline_day": day,
            },
        )
        if not created:
            continue
        for order, (code, text, check, threshold, at_most, indicator) in enumerate(spec["criteria"], 1):
            Criterion.objects.create(
                criteria_set=cs,
                order=order,
                code=code,
                text=text,
                check_kind=check,
                threshold=threshold,
                at_most=at_most,
                indicator=indicator,
            )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_assessment")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
