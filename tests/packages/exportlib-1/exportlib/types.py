class HarmCategory:
    pass


class SafetySettings:
    pass
