class HarmCategory:
    pass


class SafetySettingDict(dict):
    """2.0 replaced SafetySettings with a dict type."""
