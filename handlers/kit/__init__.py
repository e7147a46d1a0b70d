"""What features share, written once: a renderer bound to a language, the live card's
debounced redraw, reminders' cooldown, drafts' ownership and expiry, the actor's name.

Features (apel, callout, readiness, groups) import from here; the kit imports no feature.
"""
