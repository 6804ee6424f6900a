def in_sentence(label):
    """A field label as it reads inside a sentence: "Narrative" -> "narrative", "VIN" stays."""
    if len(label) > 1 and label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]
