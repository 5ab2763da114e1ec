# The commendation decided for a subject (village, commune, unit) that met the standard.

from django.db import migrations, models


LEVELS = [
    ("commune", "Cấp xã"),
    ("province_police", "Công an tỉnh"),
    ("province", "UBND tỉnh"),
    ("ministry", "Bộ Công an"),
    ("government", "Thủ tướng, Chủ tịch nước"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0003_team_grades"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="commendation_level",
            field=models.CharField(blank=True, choices=LEVELS, max_length=30, verbose_name="cấp khen"),
        ),
        migrations.AddField(
            model_name="result",
            name="commendation_decision",
            field=models.CharField(blank=True, max_length=60, verbose_name="số quyết định khen thưởng"),
        ),
        migrations.AddField(
            model_name="result",
            name="commended_on",
            field=models.DateField(blank=True, null=True, verbose_name="ngày khen thưởng"),
        ),
    ]
