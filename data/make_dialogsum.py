"""The dialogue set (DialogSum-shaped): topics, phrase banks, and `make_dialogsum(rng)`.

Standard library only. Called by data/make_data.py, which seeds the generator and writes the files.

Design (issue 13): a summary must be *read* off its dialogue, not retrieved from a similar one.
- The facts of a summary (names, places, numbers, days, dates, times, items, the outcome and who
  does what) are drawn independently of the topic's wording, from large banks (names and places
  are composed from parts: hundreds of surnames, towns, venues), so the nearest training dialogue
  almost never shares them. Every fact in a summary is said in its dialogue.
- Speakers alternate on every turn: a topic is a script of turns whose speakers are checked as it
  is written, so every question is answered by the other speaker, in the next turn. Small talk is
  inserted only between exchanges (where the next speaker starts something new), as a pair that
  the next speaker opens and the other answers, so alternation holds.
- Each outcome of a topic has three summary phrasings of the same facts, picked at random.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

DIALOGSUM_SIZES = {"train": 1500, "validation": 150, "test": 150}

P1, P2 = "#Person1#", "#Person2#"

# --------------------------------------------------------------------------------------------
# Banks of facts. Names and places are composed from parts, so there are hundreds of each.
# --------------------------------------------------------------------------------------------
FIRST_NAMES = [
    "Anna", "Ben", "Carlos", "Diana", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jack", "Kofi",
    "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera",
    "Wei", "Yusuf", "Zoe", "Leo", "Mia", "Noah", "Lucy", "Omar", "Alice", "Bruno", "Clara",
    "Daniel", "Elsa", "Felix", "Gina", "Hugo", "Iris", "Jonas", "Kira", "Luis", "Maya", "Nils",
    "Olga", "Pablo", "Rita", "Simon", "Tomas", "Ula", "Victor", "Wanda", "Xavier", "Yara", "Zane",
    "Amir", "Bella", "Cyrus", "Dora", "Eli", "Fiona", "George", "Hana", "Ivan", "Julia", "Karl",
    "Laila", "Marco", "Nina", "Otto", "Paula", "Raul", "Sofia", "Theo", "Uma", "Vince", "Willa",
    "Adam", "Beth", "Colin", "Dev", "Erin", "Frank", "Greta", "Harry", "Isla", "Joel", "Kate",
    "Liam", "Mona", "Nora", "Owen", "Petra", "Reza", "Sara", "Tobias", "Vivian", "Walter", "Yosef",
]
_SUR_HEAD = ["Ash", "Black", "Brook", "Cole", "Dal", "East", "Fair", "Green", "Hal", "Hol",
             "Kings", "Lang", "Marsh", "North", "Oak", "Pen", "Red", "Rock", "Stan", "Thorn",
             "West", "Whit", "Wood", "Brad", "Crom", "Ford", "Mill", "Sut", "Wal", "Win"]
_SUR_TAIL = ["ford", "ley", "ton", "wood", "field", "well", "more", "by", "worth", "hill",
             "bridge", "stone", "wick", "combe"]
SURNAMES = [h + t for h in _SUR_HEAD for t in _SUR_TAIL if h.lower()[-1] != t[0]]
_TOWN_HEAD = ["Alder", "Bel", "Carn", "Dun", "Elm", "Fen", "Glen", "Hart", "Ivy", "Kil", "Lark",
              "Maple", "Nor", "Orch", "Pine", "Quarry", "Raven", "Sand", "Tarn", "Upper", "Vale",
              "Willow", "Yew", "Bram", "Cress"]
_TOWN_TAIL = ["bury", "port", "haven", "mouth", "dale", "minster", "wich", "stead", "gate", "holm"]
TOWNS = [h + t for h in _TOWN_HEAD for t in _TOWN_TAIL]
_VENUE_ADJ = ["Golden", "Silver", "Blue", "Red", "Green", "Old", "Little", "Royal", "Crooked",
              "Hidden", "Lucky", "Quiet", "Copper", "Velvet", "Jolly", "Wild", "Amber", "Iron",
              "Northern", "Sunny", "Stone", "Crystal", "Scarlet", "Misty"]
_VENUE_NOUN = ["Lantern", "Anchor", "Olive", "Harbor", "Garden", "Fox", "Mill", "Oak", "Swan",
               "Kettle", "Compass", "Lion", "Pepper", "Orchard", "Bell", "Meadow", "Feather",
               "Lighthouse", "Barrel", "Willow", "Falcon", "Spoon", "Bridge", "Tulip"]
VENUES = [f"{a} {n}" for a in _VENUE_ADJ for n in _VENUE_NOUN]  # "the Golden Lantern", ...
_BRAND_HEAD = ["Bright", "Nova", "Summit", "Blue", "North", "Clear", "Rapid", "Prime", "Silver",
               "Open", "True", "Swift", "Green", "Sun", "Key", "Peak", "Arc", "Core"]
_BRAND_TAIL = ["path", "wind", "line", "point", "works", "field", "bridge", "stone", "way",
               "light", "wave", "gate"]
BRANDS = [h + t for h in _BRAND_HEAD for t in _BRAND_TAIL]  # companies, banks, gyms, shops
STREETS = [f"{name} {kind}" for name in _SUR_HEAD + _TOWN_HEAD
           for kind in ("Street", "Road", "Lane", "Avenue")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS = DAYS[:5]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
COLORS = ["black", "white", "blue", "red", "green", "grey", "brown", "yellow", "orange", "purple",
          "pink", "navy", "silver", "beige"]


def ordinal(n: int) -> str:
    """21 -> '21st', 22 -> '22nd', 13 -> '13th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def clock(r: random.Random, hours: list[int]) -> str:
    """A time such as '7 pm', '10:15 am' or '6:45 pm' (hours in 24h)."""
    h = r.choice(hours)
    m = r.choice(["", "", ":15", ":30", ":45"])
    return f"{h if h <= 12 else h - 12}{m} {'am' if h < 12 else 'pm'}"


def date(r: random.Random) -> str:
    """A date such as 'March 14th'."""
    return f"{r.choice(MONTHS)} {ordinal(r.randint(1, 28))}"


def different(r: random.Random, make: Callable[[], str], not_this: str) -> str:
    """make() again until it differs from not_this."""
    while (value := make()) == not_this:
        pass
    return value


# --------------------------------------------------------------------------------------------
# Small talk: openers start a dialogue, asides sit between exchanges, closings end it. Each is a
# pair (opened by one speaker, answered by the other) and none of it reaches the summary.
# --------------------------------------------------------------------------------------------
OPENERS_FRIENDS = [
    ("Hey, have you got a minute?", "Sure, what's up?"),
    ("Hi! It's been a while.", "It has! Good to see you."),
    ("Morning! Busy day?", "Not too bad so far. What's new?"),
    ("Hey, I was hoping to catch you.", "Well, here I am. Tell me."),
    ("Hi, sorry to call so late.", "No problem, I was still up."),
]
ASIDES_FRIENDS = [
    ("By the way, did you watch the game last night?", "I did. What an ending!"),
    ("Oh, before I forget, I still have your umbrella.", "Keep it until next time."),
    ("Is it me, or is it getting colder every day?", "It's not you. I had to buy a new coat."),
    ("Have you tried the new coffee place on the corner?", "Not yet, but I hear the cakes are good."),
    ("Sorry, my phone is buzzing. It's just my brother.", "No worries, take your time."),
    ("I'm so tired this week.", "Me too. I can't wait for the holidays."),
    ("Did I tell you I started running in the mornings?", "No! Good for you. How is it going?"),
    ("The traffic this morning was terrible.", "They're repairing the bridge again, I think."),
]
ASIDES_SERVICE = [
    ("Sorry, it's a bit noisy where I am.", "That's fine, I can hear you well."),
    ("It's really busy today, isn't it?", "Yes, it's always like this at this time of year."),
    ("Lovely weather today.", "It is. Let's hope it lasts."),
    ("Sorry, one second, my phone is about to die.", "No problem, take your time."),
    ("I hope I'm not keeping you.", "Not at all, that's what I'm here for."),
    ("Excuse me, could you speak a little more slowly?", "Of course, sorry about that."),
]
# Closings depend on who speaks next: the customer thanks, or the staff member offers more help.
CLOSE_CUSTOMER = [("Thank you very much for your help.", "You're welcome. Have a nice day."),
                  ("Great, thanks a lot.", "My pleasure. Goodbye."),
                  ("That's everything. Thanks.", "You're welcome. Take care.")]
CLOSE_STAFF = [("Is there anything else I can do for you?", "No, that's all. Thank you."),
               ("Anything else today?", "No, thanks. Goodbye."),
               ("Have a good day.", "You too. Bye.")]
CLOSE_FRIENDS = [("Great, see you then.", "See you!"), ("Thanks, you're a star.", "Anytime."),
                 ("Okay, I'll text you later.", "Sounds good. Bye.")]


class Script:
    """Turns of a dialogue with speakers that must alternate; `gap()` marks where small talk may go."""

    def __init__(self, r: random.Random, staff: str | None = None):
        self.r = r
        self.staff = staff  # the speaker who works there (service topics); None between friends
        self.turns: list[tuple[str, str]] = []
        self.gaps: list[int] = []

    def say(self, who: str, *options: str) -> None:
        if self.turns and self.turns[-1][0] == who:
            raise AssertionError(f"{who} speaks twice in a row: {self.turns[-1][1]!r} / {options[0]!r}")
        self.turns.append((who, self.r.choice(options)))

    def gap(self) -> None:
        self.gaps.append(len(self.turns))

    def text(self, opener: bool = True) -> str:
        r, turns = self.r, list(self.turns)
        friends = self.staff is None
        gaps = sorted(set(self.gaps))
        k = r.choices([0, 1, 2], [0.45, 0.4, 0.15])[0]
        bank = ASIDES_FRIENDS if friends else ASIDES_SERVICE
        for at, (first, second) in sorted(zip(r.sample(gaps, min(k, len(gaps))), r.sample(bank, k)),
                                          reverse=True):
            last = turns[at - 1][0]  # the next speaker opens the aside, the last one answers
            turns[at:at] = [(P1 if last == P2 else P2, first), (last, second)]
        if friends and opener and r.random() < 0.5:
            first, second = r.choice(OPENERS_FRIENDS)
            a = turns[0][0]
            turns[:0] = [(a, first), (P1 if a == P2 else P2, second)]
        if r.random() < 0.6:
            nxt = P1 if turns[-1][0] == P2 else P2
            bank = CLOSE_FRIENDS if friends else CLOSE_STAFF if nxt == self.staff else CLOSE_CUSTOMER
            first, second = r.choice(bank)
            turns += [(nxt, first), (turns[-1][0], second)]
        assert all(a[0] != b[0] for a, b in itertools.pairwise(turns)), turns
        return "\n".join(f"{who}: {line}" for who, line in turns)


def pick(r: random.Random, *options: str) -> str:
    return r.choice(options)


def cap(s: str) -> str:
    return s[0].upper() + s[1:]


# --------------------------------------------------------------------------------------------
# Topics: each returns (dialogue text, summary). The summary states only what the dialogue says.
# --------------------------------------------------------------------------------------------
def restaurant_booking(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    venue, n, day, t = f"the {r.choice(VENUES)}", r.randint(2, 14), r.choice(DAYS), clock(r, [18, 19, 20, 21])
    name = r.choice(SURNAMES)
    outcome = r.choices(["ok", "alt", "full"], [0.45, 0.35, 0.2])[0]
    d.say(P2, f"Good evening, {venue}. How can I help you?", f"Hello, you've reached {venue}.",
          f"{cap(venue)}, reservations. Good evening.")
    d.say(P1, f"Hi, I'd like to book a table for {n} on {day} at {t}.",
          f"Hello, do you have a table for {n} people on {day} at {t}?",
          f"Could I reserve a table for {n} this {day}, at {t}, please?")
    if outcome == "full":
        d.say(P2, f"I'm sorry, we're fully booked on {day}.", f"Unfortunately {day} is completely full.")
        d.say(P1, "That's a pity. Maybe another time, then.", "Oh no. I'll try somewhere else, then.")
        s = pick(r, f"{P1} tries to book a table for {n} at {venue} on {day}, but it is fully booked.",
                 f"{P1} calls {venue} for a table for {n} on {day} at {t}, but they are full.",
                 f"{P1} wants a table for {n} at {venue} on {day}. They are fully booked.")
        return d.text(), s
    if outcome == "alt":
        t2 = different(r, lambda: clock(r, [17, 18, 19, 20, 21, 22]), t)
        d.say(P2, f"I'm sorry, {t} is taken. We have a table at {t2}.",
              f"We're full at {t}, I'm afraid. Would {t2} work?")
        d.say(P1, f"{t2} is fine, then.", f"Okay, {t2} works for us.")
        t = t2
    d.say(P2, "Can I have your name, please?", "What name is the booking under?")
    d.say(P1, f"It's {name}.", f"{name}.", f"The name is {name}.")
    d.say(P2, f"So that's a table for {n} on {day} at {t}, under {name}.",
          f"Great. {name}, a table for {n}, {day} at {t}.")
    d.gap()
    if r.random() < 0.35:
        d.say(P1, "Do you have vegetarian dishes?", "Is there parking nearby?", "Can we sit by the window?")
        d.say(P2, "Yes, we do.", "Yes, of course.", "I'll make a note of it.")
    if outcome == "ok":
        s = pick(r, f"{P1} books a table for {n} at {venue} on {day} at {t}.",
                 f"{P1} reserves a table for {n} people at {venue} for {day} at {t}, under the name {name}.",
                 f"{P1} calls {venue} and books a table for {n} on {day} at {t}.")
    else:
        s = pick(r, f"{P1} wants a table for {n} at {venue} on {day}, but only {t} is free, so {P1} books {t}.",
                 f"{P1} calls {venue} for a table for {n} on {day}. The first time is taken, so {P1} books {t}.",
                 f"{P1} books a table for {n} at {venue} on {day} at {t}, because the time {P1} asked for is taken.")
    return d.text(), s


SYMPTOMS = ["a bad cough", "a sore throat", "back pain", "a high fever", "headaches", "a rash",
            "an earache", "trouble sleeping", "a twisted ankle", "stomach pain", "a stiff neck",
            "sore eyes", "a bad cold", "knee pain", "dizzy spells"]


def doctor_appointment(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    clinic, doc, symptom, k = r.choice(TOWNS), r.choice(SURNAMES), r.choice(SYMPTOMS), r.randint(2, 12)
    first, last = r.choice(FIRST_NAMES), r.choice(SURNAMES)
    day, t = r.choice(WEEKDAYS), clock(r, [8, 9, 10, 11, 14, 15, 16])
    moved = r.random() < 0.4
    d.say(P2, f"Good morning, {clinic} Medical Centre.", f"{clinic} Medical Centre, reception speaking.")
    d.say(P1, f"Hello, I'd like to see a doctor. I've had {symptom} for {k} days.",
          f"Hi, I need an appointment, please. I've had {symptom} for {k} days now.")
    d.say(P2, "I'm sorry to hear that. Can I have your name?", "Of course. What's your name, please?")
    d.say(P1, f"{first} {last}.", f"It's {first} {last}.")
    d.say(P2, f"Thank you. Doctor {doc} is free on {day} at {t}. Does that suit you?",
          f"Doctor {doc} can see you on {day} at {t}.")
    if moved:
        d.say(P1, f"I'm sorry, I can't make {day}. Is there anything later?",
              f"{day} is difficult for me. Do you have another day?")
        day2 = different(r, lambda: r.choice(WEEKDAYS), day)
        t2 = clock(r, [8, 9, 10, 11, 14, 15, 16, 17])
        d.say(P2, f"Doctor {doc} can also see you on {day2} at {t2}.", f"There's {day2} at {t2}.")
        d.say(P1, f"{day2} at {t2} is fine.", "Yes, that works.")
        first_day, day, t = day, day2, t2
    else:
        d.say(P1, "Yes, that's perfect.", f"{day} at {t} is fine, thank you.")
    d.gap()
    d.say(P2, f"So that's {day} at {t} with Doctor {doc}.", f"Good. You're booked with Doctor {doc}, {day} at {t}.")
    if r.random() < 0.4:
        d.say(P1, "Should I bring anything?", "Where do I park?")
        d.say(P2, "Just your insurance card.", "There's a car park behind the building.")
    if moved:
        s = pick(r, f"{P1} has had {symptom} for {k} days. {P1} cannot come on {first_day} and books Doctor {doc} "
                    f"on {day} at {t}.",
                 f"{P1} calls {clinic} Medical Centre about {symptom} and moves the appointment with Doctor "
                 f"{doc} to {day} at {t}.",
                 f"{P1}, {first} {last}, has had {symptom} for {k} days and gets a later appointment with "
                 f"Doctor {doc} on {day} at {t}.")
    else:
        s = pick(r, f"{P1} has had {symptom} for {k} days and books an appointment with Doctor {doc} on {day} at {t}.",
                 f"{P1} calls {clinic} Medical Centre about {symptom} and gets an appointment with Doctor {doc} "
                 f"on {day} at {t}.",
                 f"{P1}, {first} {last}, has had {symptom} for {k} days and will see Doctor {doc} on {day} at {t}.")
    return d.text(), s


POSITIONS = ["sales assistant", "accountant", "web developer", "nurse", "marketing manager",
             "receptionist", "data analyst", "chef", "teacher", "graphic designer", "electrician",
             "project manager", "translator", "pharmacist", "librarian", "mechanic", "photographer",
             "lab technician", "copywriter", "bus driver"]


def job_interview(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P1)
    first, last = r.choice(FIRST_NAMES), r.choice(SURNAMES)
    pos, comp, prev = r.choice(POSITIONS), r.choice(BRANDS), r.choice(BRANDS)
    years, start = r.randint(1, 15), date(r)
    offer = r.random() < 0.5
    d.say(P1, f"Good morning. You must be {first} {last}.",
          f"Hello, please have a seat. You're {first} {last}, right?")
    d.say(P2, "Yes, that's right. Thank you for seeing me.", "Yes. Thank you for having me.")
    d.say(P1, f"You've applied for the {pos} job at {comp}. How much experience do you have?",
          f"So, the {pos} position here at {comp}. Tell me about your experience.")
    d.say(P2, f"I've worked as a {pos} for {years} years, at {prev}.",
          f"I've been a {pos} at {prev} for {years} years.")
    d.gap()
    d.say(P1, f"Why do you want to leave {prev}?", "Why do you want to change jobs?")
    d.say(P2, "I'd like more responsibility.", "My office is moving to another city.",
          "I want to learn new things.")
    d.gap()
    d.say(P1, "When could you start?", "If we hire you, when can you start?")
    d.say(P2, f"I could start on {start}.", f"From {start}.")
    if offer:
        d.say(P1, "Then I'm happy to offer you the job.", "We'd like to offer you the position.")
        d.say(P2, "Thank you so much! I accept.", "That's wonderful news. Yes, I accept.")
        s = pick(r, f"{P1} interviews {first} {last} for the {pos} job at {comp} and offers {P2} the job, "
                    f"starting on {start}.",
                 f"{P2} has been a {pos} at {prev} for {years} years and gets the {pos} job at {comp}, "
                 f"starting {start}.",
                 f"{first} {last} is interviewed for the {pos} position at {comp} and accepts the job. "
                 f"{P2} starts on {start}.")
    else:
        n = r.randint(2, 14)
        d.say(P1, f"Thank you. We'll call you within {n} days.", f"Thanks for coming. You'll hear from us in {n} days.")
        d.say(P2, "Thank you. I look forward to hearing from you.", "Great, thank you for your time.")
        s = pick(r, f"{P1} interviews {first} {last} for the {pos} job at {comp} and will call {P2} within {n} days.",
                 f"{P2} has been a {pos} at {prev} for {years} years and applies to {comp}. {P1} will call "
                 f"within {n} days.",
                 f"{first} {last} is interviewed for the {pos} position at {comp}. {P2} could start on {start} "
                 f"and will hear back in {n} days.")
    return d.text(), s


ITEMS = ["sweater", "jacket", "pair of shoes", "shirt", "dress", "coffee maker", "lamp", "backpack",
         "kettle", "scarf", "pair of jeans", "toaster", "blender", "raincoat", "watch", "handbag",
         "pair of headphones", "hair dryer", "teapot", "desk chair"]
DEFECTS = {"too small": "It's too small for me.", "too big": "It's too big.",
           "broken": "It stopped working after two days.", "damaged": "It has a tear in it.",
           "the wrong colour": "The colour looks different at home."}


def shopping_return(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    color, item, price = r.choice(COLORS), r.choice(ITEMS), r.randint(9, 480)
    shop, day = r.choice(BRANDS), r.choice(DAYS)
    reason = r.choice(list(DEFECTS))
    outcome = r.choices(["refund", "exchange", "credit"], [0.4, 0.3, 0.3])[0]
    d.say(P2, f"Hello, welcome to {shop}. How can I help?", f"Good afternoon, {shop} customer service.")
    d.say(P1, f"Hi, I'd like to return this {color} {item}. I bought it here on {day}.",
          f"Hello, I bought this {color} {item} on {day} and I want to return it.")
    d.say(P2, "What's wrong with it?", "May I ask why?")
    d.say(P1, DEFECTS[reason], f"It's {reason}.")
    d.say(P2, "Do you have the receipt?", "Have you got your receipt?")
    if outcome == "credit":
        d.say(P1, "No, I'm afraid I lost it.", "Sorry, I threw it away.")
        d.say(P2, f"Without a receipt I can give you store credit of ${price}.",
              f"Then I can only offer store credit, ${price}.")
        d.say(P1, "Okay, store credit is fine.", "Alright, I'll take the credit.")
        s = pick(r, f"{P1} returns a {color} {item} to {shop} without a receipt and gets ${price} in store credit.",
                 f"{P1} bought a {color} {item} at {shop} on {day}. With no receipt, {P1} gets store credit of "
                 f"${price}.",
                 f"{P1} wants to return a {color} {item} that is {reason}, but has no receipt, so {P2} gives "
                 f"${price} in store credit.")
    else:
        d.say(P1, f"Yes, here it is. It was ${price}.", f"Yes. I paid ${price}.")
        if outcome == "refund":
            d.say(P2, f"Thank you. I'll refund the ${price} to your card.", f"Fine, here's your refund of ${price}.")
            d.say(P1, "Great, thank you.", "Perfect.")
            s = pick(r, f"{P1} returns a {color} {item} to {shop} and gets a refund of ${price}.",
                     f"{P1} bought a {color} {item} at {shop} on {day} for ${price}. It is {reason}, and {P1} gets "
                     f"the money back.",
                     f"{P2} refunds ${price} to {P1} for a {color} {item} that is {reason}.")
        else:
            d.say(P2, "Would you like to exchange it for another one?", "We can swap it for a new one, if you like.")
            d.say(P1, "Yes, an exchange is fine.", "Sure, I'll take another one.")
            s = pick(r, f"{P1} returns a {color} {item} to {shop} and exchanges it for another one.",
                     f"{P1} bought a {color} {item} at {shop} on {day} for ${price}. It is {reason}, so {P1} "
                     f"exchanges it.",
                     f"{P2} swaps the {color} {item} {P1} bought for ${price}, because it is {reason}.")
    d.gap()
    return d.text(), s


ROOMS = ["single room", "double room", "twin room", "suite", "family room"]


def hotel_checkin(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    hotel, name, nights = f"the {r.choice(VENUES)} Hotel", r.choice(SURNAMES), r.randint(1, 14)
    room, number = r.choice(ROOMS), r.randint(101, 980)
    floor = number // 100
    ready = r.random() < 0.6
    t = clock(r, [12, 13, 14, 15, 16])
    d.say(P2, f"Good afternoon, welcome to {hotel}.", f"Hello, welcome to {hotel}. Checking in?")
    d.say(P1, f"Hi, I have a reservation under {name}.", f"Yes, the booking is under {name}.")
    d.say(P2, f"Let me see. A {room} for {nights} nights, is that right?",
          f"Yes, {name}, a {room}, {nights} nights.")
    d.say(P1, "Yes, that's right.", "That's correct.")
    d.gap()
    if ready:
        d.say(P2, f"Your room is ready. It's room {number}, on floor {floor}.",
              f"Here's your key. Room {number}, floor {floor}.")
        d.say(P1, "What time is breakfast?", "Is breakfast included?")
        d.say(P2, "From seven to ten, in the restaurant.", "Yes, it's served in the restaurant until ten.")
        s = pick(r, f"{P1} checks in at {hotel} for {nights} nights and gets room {number}.",
                 f"{P1} has a {room} booked under {name} at {hotel} for {nights} nights. The room is ready: "
                 f"room {number}.",
                 f"{P2} checks {P1} into room {number} at {hotel}, a {room} for {nights} nights.")
    else:
        d.say(P2, f"I'm sorry, your room isn't ready yet. It will be ready at {t}.",
              f"The room is still being cleaned, I'm afraid. Could you come back at {t}?")
        d.say(P1, "Can I leave my bags here?", "That's okay. Can you keep my luggage?")
        d.say(P2, f"Of course. We'll call you at {t}.", "Yes, I'll put them in the storage room.")
        s = pick(r, f"{P1} arrives at {hotel} for {nights} nights, but the {room} is not ready until {t}.",
                 f"{P1} has a {room} booked under {name} at {hotel} for {nights} nights. It will be ready at {t}, "
                 f"so {P1} leaves the bags.",
                 f"{P2} tells {P1} that the {room} at {hotel} is not ready until {t}.")
    return d.text(), s


def train_tickets(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    town, day, n = r.choice(TOWNS), r.choice(DAYS), r.randint(1, 6)
    kind = r.choice(["single", "return"])
    t = clock(r, [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
    platform, price = r.randint(1, 18), r.randint(12, 260)
    full = r.random() < 0.35
    d.say(P2, "Next, please. Where are you travelling to?", "Good morning. How can I help?")
    d.say(P1, f"I'd like {n} {kind} tickets to {town} for {day}, please." if n > 1 else
          f"I'd like a {kind} ticket to {town} for {day}, please.",
          f"Hello, {n} {kind} to {town}, on {day}." if n > 1 else f"Hello, one {kind} to {town}, on {day}.")
    tickets = f"{n} {kind} tickets" if n > 1 else f"a {kind} ticket"
    if full:
        t2 = different(r, lambda: clock(r, [7, 9, 11, 13, 15, 17, 19]), t)
        d.say(P2, f"The {t} train is full. The next one is at {t2}.",
              f"I'm sorry, the {t} is sold out. There's one at {t2}.")
        d.say(P1, f"Okay, {t2} then.", f"Fine, I'll take the {t2}.")
        t = t2
    else:
        d.say(P2, f"There's a train at {t}. Is that okay?", f"The next train is at {t}.")
        d.say(P1, "Yes, that's fine.", f"{t} is good.")
    d.gap()
    d.say(P2, f"That's ${price} altogether.", f"The total is ${price}.")
    d.say(P1, "Here you are. Which platform is it?", "Can I pay by card? And which platform?")
    d.say(P2, f"Platform {platform}.", f"Yes, of course. It leaves from platform {platform}.")
    if full:
        s = pick(r, f"{P1} buys {tickets} to {town} for {day}. The first train is full, so {P1} takes the {t} train.",
                 f"{P1} wants {tickets} to {town} on {day}, but that train is full, so {P1} pays ${price} for the {t}.",
                 f"{P2} sells {P1} {tickets} to {town} on the {t} train on {day}, from platform {platform}.")
    else:
        s = pick(r, f"{P1} buys {tickets} to {town} for {day} for ${price}. The train leaves at {t}.",
                 f"{P1} pays ${price} for {tickets} to {town} on {day}, on the {t} train from platform {platform}.",
                 f"{P2} sells {P1} {tickets} to {town} on {day}. The train leaves at {t} from platform {platform}.")
    return d.text(), s


LOST = ["wallet", "umbrella", "phone", "scarf", "set of keys", "laptop bag", "watch", "backpack",
        "jacket", "camera", "purse", "pair of glasses", "notebook", "tablet", "water bottle"]


def lost_item(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    color, item, day = r.choice(COLORS), r.choice(LOST), r.choice(DAYS)
    bus = r.randint(2, 199)
    place = pick(r, f"on the number {bus} bus", f"at {r.choice(TOWNS)} station", f"in {r.choice(TOWNS)} Park")
    name = r.choice(SURNAMES)
    found = r.random() < 0.55
    d.say(P2, "Lost property office. How can I help?", "Hello, lost and found.")
    d.say(P1, f"Hi, I lost my {color} {item} {place} on {day}.",
          f"Hello, I think I left my {item} {place} on {day}. It's {color}.")
    d.say(P2, "Let me check. Can I have your name?", "One moment. What's your name?")
    d.say(P1, f"It's {name}.", f"{name}.")
    d.gap()
    if found:
        d.say(P2, f"Good news, {name}, someone handed in a {color} {item}.", f"Yes, we have a {color} {item} here.")
        d.say(P1, "Oh, thank goodness! Can I collect it today?", "That's great! When can I pick it up?")
        d.say(P2, "Yes, just bring some ID.", "Any time before six. Please bring ID.")
        s = pick(r, f"{P1} lost a {color} {item} {place} on {day}, and the lost property office has it.",
                 f"{P1}, {name}, asks about a {color} {item} lost {place}. It has been found, and {P1} can collect it.",
                 f"{P2} has the {color} {item} that {P1} lost {place} on {day}. {P1} will pick it up with ID.")
    else:
        d.say(P2, f"Sorry, {name}, no {item} has come in yet.", f"I'm afraid nobody has handed in a {item}.")
        d.say(P1, "Could you call me if it turns up?", "Oh no. What should I do?")
        d.say(P2, "Of course, I'll write down your number.", "Leave your number and we'll call you.")
        s = pick(r, f"{P1} lost a {color} {item} {place} on {day}, but it has not been found yet.",
                 f"{P1}, {name}, asks about a {color} {item} lost {place}. Nobody has handed it in yet.",
                 f"{P2} does not have the {color} {item} that {P1} lost {place} on {day}, and will call if it turns "
                 f"up.")
    return d.text(), s


def apartment_rental(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    street, rooms, rent = r.choice(STREETS), r.randint(1, 5), r.randrange(450, 3200, 5)
    day, t = r.choice(DAYS), clock(r, [9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
    agent = r.choice(FIRST_NAMES)
    rented = r.random() < 0.3
    d.say(P1, f"Hello, I'm calling about the flat on {street}.", f"Hi, is the apartment on {street} still available?")
    d.say(P2, f"Yes, this is {agent}. It has {rooms} bedrooms and the rent is ${rent} a month.",
          f"Hello, {agent} speaking. That's the {rooms} bedroom flat, ${rent} a month.")
    if rented:
        d.say(P1, "Could I come and see it?", "When can I see it?")
        d.say(P2, "I'm sorry, someone signed the contract this morning.", "I'm afraid it was rented yesterday.")
        d.say(P1, "Oh, that's a shame. Thanks anyway.", "Never mind. Thank you.")
        s = pick(r, f"{P1} calls {agent} about the {rooms} bedroom flat on {street} for ${rent} a month, but it is "
                    f"already rented.",
                 f"{P1} asks about the flat on {street}, but {P2} says it has just been rented.",
                 f"The flat on {street} with {rooms} bedrooms is already rented, {P2} tells {P1}.")
        return d.text(), s
    d.say(P1, "Are bills included?", "Is it furnished?")
    d.say(P2, "No, bills are extra.", "Yes, it's fully furnished.")
    d.gap()
    d.say(P1, "Could I come and see it?", "When can I see it?")
    d.say(P2, f"How about {day} at {t}?", f"I can show it to you on {day} at {t}.")
    d.say(P1, f"{day} at {t} is perfect.", "That works for me.")
    s = pick(r, f"{P1} calls about the {rooms} bedroom flat on {street} for ${rent} a month and will see it on "
                f"{day} at {t}.",
             f"{P1} arranges to view the flat on {street} with {agent} on {day} at {t}. The rent is ${rent} a month.",
             f"{agent} will show {P1} the flat on {street} on {day} at {t}. It has {rooms} bedrooms.")
    return d.text(), s


CAR_PROBLEMS = {"the brakes": "The brakes make a squeaking noise.", "the battery": "It won't start in the morning.",
                "the engine": "The engine makes a strange rattle.", "a tyre": "One tyre keeps losing air.",
                "the lights": "The headlights keep going off.",
                "the air conditioning": "The air conditioning blows warm air.",
                "the gearbox": "The gears grind when I change them.", "the exhaust": "The exhaust is very loud."}
VEHICLES = ["car", "van", "pickup", "hatchback", "estate car", "minivan"]


def car_repair(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    color, vehicle, part = r.choice(COLORS), r.choice(VEHICLES), r.choice(list(CAR_PROBLEMS))
    cost, garage = r.randint(40, 1500), r.choice(BRANDS)
    today = r.random() < 0.5
    day, t = r.choice(DAYS), clock(r, [9, 10, 11, 12, 14, 15, 16, 17])
    d.say(P2, f"{garage} Garage, good morning.", f"Hello, {garage} Garage. What can we do for you?")
    d.say(P1, f"Hi, there's a problem with my {color} {vehicle}. {CAR_PROBLEMS[part]}",
          f"Hello. {CAR_PROBLEMS[part]} It's a {color} {vehicle}.")
    d.say(P2, f"It sounds like {part}. We'll need to check it.", f"That's probably {part}.")
    d.say(P1, "How much will it cost?", "Can you tell me the price?")
    d.say(P2, f"Around ${cost}.", f"It should be about ${cost}, parts included.")
    d.gap()
    d.say(P1, "When will it be ready?", "How long will it take?")
    if today:
        d.say(P2, f"Bring it in now and it will be ready today at {t}.", f"We can do it today. Pick it up at {t}.")
        d.say(P1, f"Great, I'll come at {t}.", "Perfect, I'll bring it now.")
        s = pick(r, f"{P1}'s {color} {vehicle} has a problem with {part}. {garage} Garage will fix it today for "
                    f"about ${cost}.",
                 f"{P1} brings a {color} {vehicle} to {garage} Garage to fix {part}. It costs about ${cost} and is "
                 f"ready at {t}.",
                 f"{P2} will repair {part} of {P1}'s {vehicle} today for around ${cost}, ready at {t}.")
    else:
        d.say(P2, f"We need to order a part, so it will be ready on {day}.", f"The part comes on {day}, so {day} "
                                                                             f"afternoon.")
        d.say(P1, f"Okay, {day} is fine.", "That's a bit long, but okay.")
        s = pick(r, f"{P1}'s {color} {vehicle} has a problem with {part}. {garage} Garage must order a part, "
                    f"so it will be ready on {day}.",
                 f"{P1} brings a {color} {vehicle} to {garage} Garage to fix {part}. It costs about ${cost} and is "
                 f"ready on {day}.",
                 f"{P2} will repair {part} of {P1}'s {vehicle} for around ${cost}, but it will not be ready until "
                 f"{day}.")
    return d.text(), s


PARTY_BRING = ["a cake", "some music", "the decorations", "drinks", "snacks", "some games",
               "paper plates", "balloons", "a salad", "fruit juice"]


def birthday_party(r: random.Random) -> tuple[str, str]:
    d = Script(r)
    friend, age, day = r.choice(FIRST_NAMES), r.randint(6, 70), r.choice(["Friday", "Saturday", "Sunday"])
    place = pick(r, f"{r.choice(SURNAMES)} Park", f"the {r.choice(VENUES)}", f"{r.choice(STREETS)}")
    t = clock(r, [12, 13, 14, 15, 16, 17, 18, 19, 20])
    bring = r.choice(PARTY_BRING)
    comes = r.random() < 0.65
    d.say(P1, f"We're having a surprise party for {friend} on {day}. {friend} turns {age}!",
          f"Can you keep a secret? {friend} turns {age} on {day}, and we're throwing a party.")
    d.say(P2, "That's lovely! Where is it?", "Oh, fun! Where?")
    d.say(P1, f"At {place}, at {t}.", f"At {place}. Come at {t}.")
    d.gap()
    if comes:
        d.say(P2, "I'll be there. Should I bring anything?", "Count me in. Can I bring something?")
        d.say(P1, f"Could you bring {bring}?", f"Maybe {bring}?")
        d.say(P2, f"Sure, I'll bring {bring}.", "No problem.")
        s = pick(r, f"{P1} invites {P2} to {friend}'s surprise party at {place} on {day} at {t}. {P2} will bring "
                    f"{bring}.",
                 f"{friend} turns {age}, and {P1} is planning a party on {day} at {place}. {P2} will come and bring "
                 f"{bring}.",
                 f"{P2} agrees to come to the party for {friend} on {day} at {t} and to bring {bring}.")
    else:
        d.say(P2, f"Oh no, I'm away on {day}.", f"I'm sorry, I'm working on {day}.")
        d.say(P1, "What a pity. I'll tell you how it went.", "Never mind, maybe next time.")
        s = pick(r, f"{P1} invites {P2} to {friend}'s surprise party at {place} on {day}, but {P2} cannot come.",
                 f"{friend} turns {age}, and {P1} is planning a party on {day} at {place}. {P2} is busy that day.",
                 f"{P2} cannot come to the party for {friend} on {day} at {t}.")
    return d.text(), s


_BOOK_ADJ = ["Silent", "Hidden", "Last", "Broken", "Golden", "Secret", "Frozen", "Burning", "Distant",
             "Forgotten", "Wandering", "Midnight", "Painted", "Hollow", "Sleeping", "Lost"]
_BOOK_NOUN = ["Orchard", "River", "Kingdom", "Garden", "Letter", "Island", "Mirror", "Road", "City",
              "Voyage", "Tower", "Winter", "Forest", "Clock", "Harbor", "Map"]


def library_visit(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    title = f"The {r.choice(_BOOK_ADJ)} {r.choice(_BOOK_NOUN)}"
    author = f"{r.choice(FIRST_NAMES)} {r.choice(SURNAMES)}"
    due = date(r)
    weeks = r.randint(1, 4)
    out = r.random() < 0.4
    d.say(P1, f"Excuse me, do you have {title} by {author}?", f"Hi, I'm looking for {title}, by {author}.")
    d.say(P2, "Let me check the catalogue.", "One moment, I'll look it up.")
    d.say(P1, "Thank you.", "Thanks.")
    if out:
        d.say(P2, f"Someone has it at the moment. It's due back on {due}.", f"It's on loan until {due}, I'm afraid.")
        d.say(P1, "Can I reserve it?", "Could you hold it for me when it comes back?")
        d.say(P2, "Yes, I'll put your name on it.", "Sure, we'll email you when it's back.")
        s = pick(r, f"{P1} asks for {title} by {author}, but it is on loan until {due}, so {P1} reserves it.",
                 f"{title} is out until {due}. {P2} reserves it for {P1}.",
                 f"{P1} wants to borrow {title}, which is due back on {due}, and asks {P2} to hold it.")
    else:
        d.say(P2, f"Yes, it's on the shelf. You can keep it for {weeks} weeks.",
              f"We have a copy. The loan is {weeks} weeks.")
        d.gap()
        d.say(P1, "Great. Can I renew it online?", "Perfect. What if I need it longer?")
        d.say(P2, "Yes, you can renew it once.", "You can renew it on our website.")
        s = pick(r, f"{P1} borrows {title} by {author} from the library for {weeks} weeks.",
                 f"{P1} finds {title} by {author} and can keep it for {weeks} weeks.",
                 f"{P2} lends {P1} {title}, by {author}, for {weeks} weeks.")
    return d.text(), s


ACTIVITIES = ["go hiking", "see a film", "visit the museum", "go swimming", "play tennis",
              "have a picnic", "go to the market", "try the new climbing gym", "go cycling",
              "watch the football", "go to a concert", "go bowling", "visit the zoo", "go fishing"]


def weekend_plans(r: random.Random) -> tuple[str, str]:
    d = Script(r)
    act, day = r.choice(ACTIVITIES), r.choice(["Saturday", "Sunday"])
    place = pick(r, f"{r.choice(TOWNS)}", f"{r.choice(SURNAMES)} Park")
    t = clock(r, [8, 9, 10, 11, 13, 14, 15, 16, 18, 19])
    meet = pick(r, "at the station", "at the park gate", "at the cafe", "outside the library", "at the bus stop")
    agree = r.random() < 0.6
    d.say(P1, f"Do you want to {act} in {place} on {day}?", f"Are you free on {day}? I want to {act} in {place}.")
    if agree:
        d.say(P2, "Sounds great. What time?", "I'd love to. When?")
        d.say(P1, f"Let's meet {meet} at {t}.", f"How about {t}, {meet}?")
        d.say(P2, f"Perfect, {t} {meet}.", "Okay, see you there.")
        d.gap()
        s = pick(r, f"{P1} and {P2} will {act} in {place} on {day}. They meet {meet} at {t}.",
                 f"{P1} invites {P2} to {act} in {place} on {day}, and they agree to meet at {t}.",
                 f"On {day}, {P1} and {P2} plan to {act} in {place}, meeting {meet} at {t}.")
    else:
        day2 = "Sunday" if day == "Saturday" else "Saturday"
        d.say(P2, f"I can't on {day}, I'm visiting my parents. What about {day2}?",
              f"{day} is bad for me. Could we do {day2}?")
        d.say(P1, f"{day2} works too. Let's meet {meet} at {t}.", f"Sure, {day2} then. {meet.capitalize()}, at {t}?")
        d.say(P2, "Great, see you then.", f"Okay, {t} on {day2}.")
        d.gap()
        s = pick(r, f"{P1} wants to {act} in {place} on {day}. {P2} is busy, so they will go on {day2} at {t}.",
                 f"{P1} invites {P2} to {act} in {place}. They move it from {day} to {day2} and meet {meet} at {t}.",
                 f"On {day2}, not {day}, {P1} and {P2} will {act} in {place}, meeting {meet} at {t}.")
    return d.text(), s


ACCOUNTS = ["savings account", "checking account", "student account", "joint account", "business account"]


def bank_account(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    bank, acct, amount = r.choice(BRANDS), r.choice(ACCOUNTS), r.randrange(20, 5000, 10)
    days = r.randint(3, 10)
    day = r.choice(WEEKDAYS)
    ok = r.random() < 0.6
    d.say(P2, f"Welcome to {bank} Bank. How can I help?", f"Good morning, {bank} Bank.")
    d.say(P1, f"I'd like to open a {acct}.", f"Hi, I want to open a {acct}, please.")
    d.say(P2, "Do you have ID and proof of address?", "I'll need your passport and a recent bill.")
    if ok:
        d.say(P1, "Yes, here they are.", "Yes, I brought both.")
        d.gap()
        d.say(P2, "Thank you. Would you like to make a first deposit?", "All done. How much would you like to deposit?")
        d.say(P1, f"Yes, ${amount}.", f"${amount}, please.")
        d.say(P2, f"Your card will arrive in {days} days.", f"Done. The card comes by post in {days} days.")
        s = pick(r, f"{P1} opens a {acct} at {bank} Bank and deposits ${amount}. The card arrives in {days} days.",
                 f"{P2} helps {P1} open a {acct} with a first deposit of ${amount}.",
                 f"{P1} opens a {acct} at {bank} Bank, pays in ${amount}, and will get a card in {days} days.")
    else:
        d.say(P1, "I have my passport, but no bill with me.", "I forgot the bill, I'm afraid.")
        d.say(P2, "Then please come back with it.", "I'm sorry, we need both to open the account.")
        d.say(P1, f"Okay, I'll come back on {day}.", f"Fine. I'll bring it on {day}.")
        s = pick(r, f"{P1} wants to open a {acct} at {bank} Bank but has no proof of address, so {P1} will come "
                    f"back on {day}.",
                 f"{P2} at {bank} Bank cannot open the {acct} for {P1} without proof of address. {P1} will return "
                 f"on {day}.",
                 f"{P1} tries to open a {acct} at {bank} Bank and has to come back on {day} with a bill.")
    return d.text(), s


CLASSES = ["yoga", "spinning", "swimming", "boxing", "pilates", "dance", "karate", "rowing", "zumba", "circuit"]


def gym_membership(r: random.Random) -> tuple[str, str]:
    d = Script(r, staff=P2)
    gym, cls = r.choice(BRANDS), r.choice(CLASSES)
    plan = r.choice(["monthly", "yearly"])
    price = r.randint(15, 90) if plan == "monthly" else r.randint(150, 900)
    per = "month" if plan == "monthly" else "year"
    joins = r.random() < 0.55
    day = r.choice(DAYS)
    d.say(P2, f"Hi, welcome to {gym} Gym.", f"Hello, {gym} Gym front desk.")
    d.say(P1, "Hi, how much is a membership?", "I'd like some information about membership.")
    d.say(P2, f"The {plan} plan is ${price} a {per}.", f"We have a {plan} plan for ${price} per {per}.")
    d.say(P1, f"Does that include {cls} classes?", f"Can I join the {cls} classes?")
    d.say(P2, f"Yes, {cls} is included. There's a class every {day}.", f"Yes, {cls} is on {day} evenings.")
    d.gap()
    if joins:
        d.say(P1, "Great, I'll sign up today.", "Okay, sign me up.")
        d.say(P2, "Wonderful. Please fill in this form.", "Great, let's get you registered.")
        s = pick(r, f"{P1} joins {gym} Gym on the {plan} plan for ${price} a {per}, which includes {cls} classes.",
                 f"{P1} signs up at {gym} Gym for ${price} a {per}. The {cls} class is on {day}.",
                 f"{P2} signs {P1} up for the {plan} plan at {gym} Gym, ${price} a {per}, with {cls} classes.")
    else:
        d.say(P1, "I need to think about it.", "Let me talk to my partner first.")
        d.say(P2, "Sure, here's a leaflet.", "No problem, take a brochure.")
        s = pick(r, f"{P1} asks about the {plan} plan at {gym} Gym, ${price} a {per} with {cls} classes, but does "
                    f"not join yet.",
                 f"{P1} learns that {gym} Gym costs ${price} a {per} and has {cls} on {day}, and wants to think "
                 f"about it.",
                 f"{P2} tells {P1} about the {plan} plan at {gym} Gym for ${price} a {per}. {P1} will think about it.")
    return d.text(), s


SUBJECTS = {"math": "a set of algebra problems", "history": "an essay on the French Revolution",
            "biology": "a report on plant cells", "chemistry": "a lab report", "English": "a book review",
            "physics": "a worksheet on forces", "geography": "a poster about volcanoes",
            "music": "a short song", "art": "a portrait", "economics": "a chart of prices"}


def homework_help(r: random.Random) -> tuple[str, str]:
    d = Script(r)
    subj = r.choice(list(SUBJECTS))
    task, due = SUBJECTS[subj], r.choice(DAYS)
    teacher = f"{r.choice(['Mr', 'Ms'])} {r.choice(SURNAMES)}"
    meet = pick(r, "in the library", "in the computer room", "at the cafe", "after class")
    t = clock(r, [9, 10, 11, 13, 14, 15, 16, 17, 18, 19])
    helps = r.random() < 0.6
    d.say(P1, f"I'm stuck on my {subj} homework for {teacher}. It's {task}.",
          f"Have you done {teacher}'s {subj} homework? It's {task}, and I don't get it.")
    d.say(P2, "When is it due?", "Oh, that one. When do we have to hand it in?")
    d.say(P1, f"On {due}.", f"It's due {due}.")
    d.gap()
    if helps:
        d.say(P2, f"I've finished mine. I can help you {meet} at {t}.", f"I can help. Let's meet {meet} at {t}.")
        d.say(P1, "Thank you so much!", "You're a lifesaver.")
        s = pick(r, f"{P1} is stuck on the {subj} homework for {teacher}, due {due}. {P2} will help {meet} at {t}.",
                 f"{P1} needs help with {task} for {subj}, due {due}, and {P2} offers to help at {t}.",
                 f"{P2} will help {P1} with {teacher}'s {subj} homework {meet} at {t}. It is due {due}.")
    else:
        d.say(P2, f"Sorry, I'm busy. You should ask {teacher}.", f"I don't get it either. Let's email {teacher}.")
        d.say(P1, f"Okay, I'll ask {teacher}.", "Good idea, I'll write tonight.")
        s = pick(r, f"{P1} is stuck on the {subj} homework for {teacher}, due {due}. {P2} cannot help, so {P1} will "
                    f"ask {teacher}.",
                 f"{P1} needs help with {task} for {subj}, due {due}, but {P2} can't help.",
                 f"{P2} cannot help {P1} with {teacher}'s {subj} homework, which is due {due}.")
    return d.text(), s


def moving_house(r: random.Random) -> tuple[str, str]:
    d = Script(r)
    town, day, boxes = r.choice(TOWNS), r.choice(DAYS), r.randint(5, 90)
    street = r.choice(STREETS)
    helps = r.random() < 0.6
    t = clock(r, [7, 8, 9, 10, 11, 12])
    d.say(P1, f"Guess what, I'm moving to {town}!", f"I finally found a new place in {town}.")
    d.say(P2, "Wow, congratulations! Where exactly?", "That's great news. Where is it?")
    d.say(P1, f"On {street}. I'm moving on {day}.", f"It's on {street}. The move is on {day}.")
    d.say(P2, "Have you packed yet?", "How much stuff do you have?")
    d.say(P1, f"I have {boxes} boxes so far.", f"About {boxes} boxes.")
    d.gap()
    if helps:
        d.say(P2, f"Do you need help? I can come on {day} at {t}.", f"I'll help you carry things. Is {t} okay?")
        d.say(P1, "That would be amazing, thank you!", f"{t} is perfect. Thanks!")
        s = pick(r, f"{P1} is moving to {street} in {town} on {day} with {boxes} boxes, and {P2} will help at {t}.",
                 f"{P1} tells {P2} about moving to {town} on {day}. There are {boxes} boxes, and {P2} will come at "
                 f"{t}.",
                 f"{P2} will help {P1} move to {town} on {day} at {t}. {P1} has {boxes} boxes.")
    else:
        d.say(P2, f"I'd help, but I'm away on {day}.", f"I'm sorry, I'm working on {day}, or I'd help.")
        d.say(P1, "No worries, I'll ask someone else.", "That's okay, my brother is coming.")
        s = pick(r, f"{P1} is moving to {street} in {town} on {day} with {boxes} boxes, but {P2} cannot help.",
                 f"{P1} tells {P2} about moving to {town} on {day}. There are {boxes} boxes, but {P2} is busy.",
                 f"{P2} cannot help {P1} move to {town} on {day}. {P1} has {boxes} boxes.")
    return d.text(), s


TOPICS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "restaurant booking": restaurant_booking,
    "doctor appointment": doctor_appointment,
    "job interview": job_interview,
    "shopping return": shopping_return,
    "hotel check-in": hotel_checkin,
    "train tickets": train_tickets,
    "lost item": lost_item,
    "apartment rental": apartment_rental,
    "car repair": car_repair,
    "birthday party": birthday_party,
    "library": library_visit,
    "weekend plans": weekend_plans,
    "bank account": bank_account,
    "gym membership": gym_membership,
    "homework": homework_help,
    "moving house": moving_house,
}


def make_dialogsum(rng: random.Random) -> dict[str, list[dict]]:
    """Every split gets the topics in equal shares (shuffled); dialogues are unique overall."""
    seen: set[str] = set()
    out: dict[str, list[dict]] = {}
    names = list(TOPICS)
    for split, size in DIALOGSUM_SIZES.items():
        topics = [names[i % len(names)] for i in range(size)]
        rng.shuffle(topics)
        rows = []
        for i, topic in enumerate(topics, start=1):
            while True:
                dialogue, summary = TOPICS[topic](rng)
                if dialogue not in seen:
                    seen.add(dialogue)
                    break
            rows.append({"id": f"{split}_{i:04d}", "dialogue": dialogue, "summary": summary,
                         "topic": topic})
        out[split] = rows
    return out
