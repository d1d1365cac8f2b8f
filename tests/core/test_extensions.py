from keyworks.core.extensions import collect, provides


def test_collect_joins_what_each_provider_returns_for_its_point():
    @provides("test-point")
    def first(x):
        return [x, x + 1]

    @provides("test-point")
    def second(x):
        return [x * 10]

    provides("test-point")(first)  # registering twice adds nothing
    assert collect("test-point", 2) == [2, 3, 20]
    assert collect("no-such-point", 2) == []
