def demo_step(**kwargs):
    return ""
