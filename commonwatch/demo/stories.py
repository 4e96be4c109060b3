"""What the demo city's residents write about: plausible posts and comments per category."""

from __future__ import annotations

import random

POSTS = {
    "crime": [
        ("Package taken from porch", "A parcel was taken from our porch between 2 and 3 pm."),
        ("Car window smashed", "Front passenger window broken overnight; nothing left inside."),
        ("Bike stolen from rack", "Blue commuter bike taken from the rack outside the library."),
        ("Catalytic converter theft", "Ours was cut off overnight. Check under your cars."),
        ("Garage break-in", "Side door of the garage forced open, tools missing."),
    ],
    "safety": [
        ("Streetlight out", "The streetlight at the corner has been dark for three nights."),
        ("Speeding on the hill", "Cars racing down the hill around school drop-off time."),
        ("Downed branch on sidewalk", "A large branch is blocking the sidewalk after the wind."),
        ("Icy crosswalk", "The crosswalk by the bakery is a sheet of ice this morning."),
        ("Gas smell reported", "Crews are checking a gas smell; avoid the block for now."),
    ],
    "suspicious": [
        (
            "Someone trying car doors",
            "A person in a dark green jacket and grey beanie was trying car door handles "
            "around 1 am, then left on foot toward the park.",
        ),
        (
            "Van circling slowly",
            "A white van without plates circled the block three times and stopped at each "
            "driveway with packages.",
        ),
        (
            "Drone over backyards",
            "A small drone hovered low over several backyards for ten minutes at dusk.",
        ),
    ],
    "unexpected_visitor": [
        (
            "Door-to-door 'inspector'",
            "A man in an orange vest said he was checking water meters but had no badge and "
            "left when asked for one.",
        ),
        ("Late-night knock", "Someone knocked twice at 11 pm and walked off before we answered."),
        ("Solar salesman", "Persistent solar salesman ignoring the no-soliciting signs today."),
    ],
    "lost_pet": [
        ("Lost grey cat", "Grey tabby named Miso, green collar, very shy. Please check sheds."),
        ("Found small dog", "Found a small brown terrier with a red harness near the school."),
        ("Missing parrot", "Our green parrot flew off this morning; answers to Kiwi."),
    ],
    "community": [
        ("Block cleanup Saturday", "Bring gloves; we meet at the corner at 9 am. Coffee provided."),
        ("Free tomato seedlings", "Extra seedlings on the bench by our gate, help yourselves."),
        ("Neighborhood watch meeting", "Meeting at the library Thursday at 7 pm, all welcome."),
        ("Lost keys found", "Found a set of keys with a blue fob on the bench by the bus stop."),
    ],
}
CATEGORY_WEIGHTS = {
    "crime": 0.22,
    "safety": 0.24,
    "suspicious": 0.14,
    "unexpected_visitor": 0.08,
    "lost_pet": 0.12,
    "community": 0.20,
}
COMMENTS = (
    "Thanks for the heads-up.",
    "Same thing happened on our street last week.",
    "I reported it to the city too.",
    "Our camera caught something similar, will check.",
    "Hope it gets fixed soon.",
    "Glad everyone is OK.",
    "Will keep an eye out.",
)


def story(rng: random.Random) -> tuple[str, str, str]:
    category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
    title, body = rng.choice(POSTS[category])
    return category, title, body
