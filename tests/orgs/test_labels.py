"""Role and unit labels are Chinese by default and English under an English request."""

from django.utils import translation

from keyworks.orgs.models import Role, Unit


def test_role_and_unit_labels_follow_the_active_language():
    assert Role.OFFICE.label == "指挥部办公室"
    assert Unit.Kind.ENTERPRISE.label == "企业"
    with translation.override("en"):
        assert Role.OFFICE.label == "Programme office"
        assert Unit.Kind.ENTERPRISE.label == "Enterprise"
        assert str(Unit._meta.get_field("credit_code").verbose_name) == (
            "Unified social credit code"
        )
