"""A reused result holds words: it is kept apart for each language."""

from django.utils import translation

from keyworks.audit import revisions


def test_a_result_is_reused_only_in_its_own_language(world, settings):
    settings.MEASURES_CACHE = True
    computed = []

    def compute():
        computed.append(translation.get_language())
        return translation.gettext("返回首页")

    key = ("words",)
    assert revisions.reuse("test", key, world.programme, compute) == "返回首页"
    with translation.override("en"):
        assert revisions.reuse("test", key, world.programme, compute) == "Back to the home page"
        assert revisions.reuse("test", key, world.programme, compute) == "Back to the home page"
    assert revisions.reuse("test", key, world.programme, compute) == "返回首页"
    assert computed == ["zh-hans", "en"]
