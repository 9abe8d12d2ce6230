"""The dialogue set (DialogSum-shaped): topics, phrase banks, and `make_dialogsum(rng)`.

Standard library only. Called by data/make_data.py, which seeds the generator and writes the files.
"""

from __future__ import annotations

import random
from collections.abc import Callable

DIALOGSUM_SIZES = {"train": 1500, "validation": 150, "test": 150}


P1, P2 = "#Person1#", "#Person2#"

# --------------------------------------------------------------------------------------------
# Shared phrase banks
# --------------------------------------------------------------------------------------------
FIRST_NAMES = [
    "Anna", "Ben", "Carlos", "Diana", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jack",
    "Kofi", "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tara",
    "Umar", "Vera", "Wei", "Yusuf", "Zoe", "Leo", "Mia", "Noah", "Lucy", "Omar",
]
SURNAMES = [
    "Adams", "Brooks", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
    "Jensen", "Kowalski", "Lopez", "Morgan", "Novak", "Okafor", "Patel", "Rossi", "Silva",
    "Turner", "Walsh", "Young", "Berg", "Costa", "Hart",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS = DAYS[:5]
COLORS = ["black", "white", "blue", "red", "green", "grey", "brown", "yellow"]
CITIES = [
    "Brighton", "Leeds", "Boston", "Denver", "Lyon", "Porto", "Glasgow", "Seattle",
    "Dublin", "Toronto", "Bristol", "Oxford", "Austin", "York",
]

OPENERS_FRIENDS = [
    ("Hi, how are you doing?", "Pretty good, thanks. And you?"),
    ("Hey, long time no see!", "I know, I've been so busy lately."),
    ("Good morning! Did you sleep well?", "Not really, the neighbours were noisy again."),
    ("Hi there, do you have a minute?", "Sure, what's up?"),
]
SMALLTALK_FRIENDS = [
    ("Did you watch the game last night?", "Yes, what an ending. I couldn't believe it."),
    ("By the way, how is your sister?", "She's fine, she just started a new job."),
    ("Have you tried that new coffee place on the corner?",
     "Not yet, but I heard their cakes are good."),
    ("I'm so tired this week.", "Me too. I can't wait for the holidays."),
    ("Is it me, or is it getting colder every day?", "It's not you. I had to buy a new coat."),
]
SMALLTALK_SERVICE = [
    ("It's really busy here today, isn't it?", "Yes, it's always like this at this time of year."),
    ("Lovely weather today.", "It is. Let's hope it lasts until the weekend."),
    ("Sorry, my phone is about to die, so I'll be quick.", "No problem, I'll be quick too."),
    ("I hope I'm not calling too late.", "Not at all, we're open for another hour."),
]
# Longer asides: inserted whole (0-3 of them) so dialogues range from short to long. They
# never change the outcome, so they never appear in the summary.
ASIDES_SERVICE = [
    ("Sorry, could you speak up a little? There's a lot of noise on the street where I am.",
     "Of course. Is this better? I'll speak more slowly too."),
    ("I have to say, your colleague was very kind to me last time I was here.",
     "Thank you, I'll tell her. It's always nice to hear that from customers."),
    ("Do you know if there's a bus stop near here? I came by taxi and it cost a fortune.",
     "Yes, the number 12 stops just around the corner, every fifteen minutes or so."),
    ("I've been meaning to sort this out for weeks, but work has been crazy.",
     "I know the feeling. Don't worry, it won't take long."),
    ("Is it always this quiet on weekdays? I expected a long queue.",
     "Mornings are quiet. After lunch it gets much busier, so you picked a good time."),
    ("Sorry, my daughter is talking to me at the same time. One second, please.",
     "Take your time, I'm not going anywhere."),
]
ASIDES_FRIENDS = [
    ("Oh, before I forget, I still have your blue umbrella from last month.",
     "Keep it until next time, I have another one at home."),
    ("Did you hear that Mark and Julia are getting married in the autumn?",
     "No way! I had no idea. Good for them, they're a lovely couple."),
    ("My brother finally passed his driving test, on the fourth try.",
     "Fourth time lucky! Tell him I said congratulations."),
    ("I started running in the mornings. It's hard, but I feel much better.",
     "That's impressive. I keep saying I'll start, but I never do."),
    ("Have you finished that series everyone is talking about?",
     "Only the first season. Don't tell me what happens!"),
    ("The traffic this morning was unbelievable. It took me an hour to get here.",
     "They're repairing the bridge again, aren't they? It's been like that all week."),
]
CLOSINGS_SERVICE = [
    ("Thank you very much for your help.", "You're welcome. Have a nice day."),
    ("Great, thanks a lot.", "My pleasure. Goodbye."),
    ("That's everything I needed. Thanks.", "You're welcome. Take care."),
    ("Perfect. Thank you.", "Thank you. See you soon."),
]
CLOSINGS_FRIENDS = [
    ("Great, see you then.", "See you!"),
    ("Thanks, you're a star.", "Anytime."),
    ("Okay, I'll text you later.", "Sounds good. Bye."),
]


class Dialogue:
    """Collects turns; helpers add optional small talk so lengths vary."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.turns: list[tuple[str, str]] = []

    def a(self, text: str) -> None:
        self.turns.append((P1, text))

    def b(self, text: str) -> None:
        self.turns.append((P2, text))

    def pair(self, first: str, second: str, first_speaker: str = P1) -> None:
        other = P2 if first_speaker == P1 else P1
        self.turns.append((first_speaker, first))
        self.turns.append((other, second))

    def maybe(self, bank: list[tuple[str, str]], p: float, first_speaker: str = P1) -> None:
        if self.rng.random() < p:
            self.pair(*self.rng.choice(bank), first_speaker=first_speaker)

    def text(self) -> str:
        return "\n".join(f"{who}: {line}" for who, line in self.turns)


def pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def time_slot(rng: random.Random, hours: list[int], halves: bool = True) -> str:
    h = rng.choice(hours)
    m = ":30" if halves and rng.random() < 0.4 else ""
    suffix = "am" if h < 12 else "pm"
    h12 = h if h <= 12 else h - 12
    return f"{h12}{m} {suffix}"


def other(rng: random.Random, bank: list[str], not_this: str) -> str:
    return rng.choice([x for x in bank if x != not_this])


def ordinal(n: int) -> str:
    """21 -> '21st', 22 -> '22nd', 13 -> '13th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --------------------------------------------------------------------------------------------
# Dialogue topics: each returns (dialogue text, summary). The summary is built only from what
# the dialogue says (slot values and the outcome), in DialogSum's third-person style.
# --------------------------------------------------------------------------------------------
RESTAURANTS = ["the Golden Lantern", "Bella Vista", "the Blue Harbor", "Casa Verde",
               "the Old Mill", "Sakura Garden", "the Green Olive", "Little Saigon"]


def restaurant_booking(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    rest, n, day = r.choice(RESTAURANTS), r.randint(2, 10), r.choice(DAYS)
    t = time_slot(r, [18, 19, 20])
    surname = r.choice(SURNAMES)
    outcome = r.choices(["ok", "alt_time", "alt_day"], [0.5, 0.25, 0.25])[0]
    named = r.random() < 0.6  # the restaurant says its name; otherwise the summary cannot know it
    if named:
        d.b(pick(r, f"Good evening, {rest}. How may I help you?",
                 f"Hello, {rest}, reservations desk speaking."))
    d.maybe(SMALLTALK_SERVICE, 0.25)
    d.a(pick(r, f"I'd like to reserve a table for {n} people on {day} at {t}.",
             f"Hi, could I book a table for {n} on {day} at {t}, please?",
             f"Do you have a table for {n} people at {t} this {day}?"))
    final_day, final_time = day, t
    if outcome == "ok":
        d.b(pick(r, f"Let me check. Yes, we have a table for {n} at {t} on {day}.",
                 f"Yes, {day} at {t} is no problem."))
    elif outcome == "alt_time":
        final_time = other(r, ["6 pm", "6:30 pm", "7 pm", "7:30 pm", "8 pm", "9 pm"], t)
        d.b(pick(r, f"I'm sorry, we're fully booked at {t}, but we have a table at {final_time}.",
                 f"Unfortunately {t} is taken. Could you come at {final_time} instead?"))
        d.a(pick(r, f"{final_time} is fine. Please book it.", f"Okay, {final_time} works for us."))
    else:
        final_day = other(r, DAYS, day)
        d.b(pick(r, f"I'm afraid we're completely full on {day}. Would another day work?",
                 f"Sorry, {day} is fully booked. Is there another day you could come?"))
        d.a(pick(r, f"How about {final_day} at {t}?", f"Then {final_day} at the same time, maybe?"))
        d.b(pick(r, f"Yes, {final_day} at {t} is available.", f"{final_day} is fine."))
    d.b(pick(r, "May I have your name, please?", "Can I get a name for the booking?"))
    d.a(pick(r, f"It's {surname}.", f"{surname}. S as in sugar." if surname[0] == "S"
             else f"The name is {surname}."))
    window = r.random() < 0.35
    if window:
        d.a(pick(r, "Could we have a table by the window?", "Is it possible to sit near the window?"))
        d.b(pick(r, "Of course, I'll make a note of it.", "Sure, I'll reserve a window table."))
    if r.random() < 0.3:
        d.a(pick(r, "Do you have vegetarian dishes?", "Is there a children's menu?"))
        d.b(pick(r, "Yes, there are several on the menu.", "Yes, we do."))
    d.maybe(CLOSINGS_SERVICE, 0.8)
    w = " by the window" if window else ""
    rest = rest if named else "a restaurant"
    if outcome == "ok":
        s = pick(r, f"{P1} books a table{w} for {n} people at {rest} on {day} at {t}.",
                 f"{P1} calls {rest} and reserves a table{w} for {n} people on {day} at {t}.")
    elif outcome == "alt_time":
        s = pick(r, f"{P1} wants a table for {n} at {rest} on {day} at {t}, but it is fully booked, "
                 f"so {P1} books a table{w} for {final_time} instead.",
                 f"{P1} calls {rest} for a table for {n} on {day} at {t}. It is full, so {P1} "
                 f"reserves a table{w} at {final_time} instead.")
    else:
        s = pick(r, f"{P1} wants a table for {n} at {rest} on {day}, but it is fully booked, "
                 f"so {P1} books a table{w} for {final_day} at {t} instead.",
                 f"{P1} calls {rest} for a table for {n} on {day}. It is full, so {P1} "
                 f"reserves a table{w} on {final_day} at {t} instead.")
    return d.text(), s


SYMPTOMS = ["a bad cough", "a sore throat", "back pain", "a high fever", "headaches",
            "a rash on the arm", "an earache", "trouble sleeping", "a twisted ankle"]


def doctor_appointment(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    symptom, doc, alt_doc = r.choice(SYMPTOMS), r.choice(SURNAMES), r.choice(SURNAMES)
    days_ill = r.randint(2, 9)
    day, t = r.choice(WEEKDAYS), time_slot(r, [9, 10, 11, 14, 15, 16])
    outcome = r.choices(["ok", "other_doctor", "today"], [0.5, 0.3, 0.2])[0]
    d.b(pick(r, "Good morning, Riverside Clinic. How can I help?",
             "Hello, this is the doctor's office.", "Medical centre, reception speaking."))
    d.a(pick(r, f"Hi, I'd like to see Dr. {doc}. I've had {symptom} for {days_ill} days.",
             f"Hello, I need an appointment with Dr. {doc}, please. I've had {symptom} "
             f"for {days_ill} days now."))
    d.maybe(SMALLTALK_SERVICE, 0.15)
    if r.random() < 0.5:
        d.b(pick(r, "Is it an emergency?", "Are you in a lot of pain?"))
        d.a(pick(r, "No, but it's getting worse.", "Not really, but it isn't going away."))
    if outcome == "ok":
        d.b(pick(r, f"Dr. {doc} can see you on {day} at {t}.",
                 f"Let me look. Dr. {doc} has a free slot on {day} at {t}."))
        d.a(pick(r, "That's perfect, thank you.", f"{day} at {t} is fine."))
        s = pick(r, f"{P1} has had {symptom} for {days_ill} days and makes an appointment with "
                 f"Dr. {doc} on {day} at {t}.",
                 f"{P1} calls the clinic about {symptom} and gets an appointment with Dr. {doc} "
                 f"on {day} at {t}.")
    elif outcome == "other_doctor":
        if alt_doc == doc:
            alt_doc = other(r, SURNAMES, doc)
        d.b(pick(r, f"Dr. {doc} is on holiday this week. Dr. {alt_doc} could see you on {day} "
                 f"at {t}.", f"I'm sorry, Dr. {doc} is fully booked. Would Dr. {alt_doc} on "
                 f"{day} at {t} be okay?"))
        d.a(pick(r, f"Yes, Dr. {alt_doc} is fine.", "Okay, I'll take that."))
        s = pick(r, f"{P1} has had {symptom} for {days_ill} days. Dr. {doc} is not available, "
                 f"so {P1} makes an appointment with Dr. {alt_doc} on {day} at {t}.",
                 f"{P1} calls the clinic about {symptom}. Dr. {doc} is not available, so {P1} "
                 f"gets an appointment with Dr. {alt_doc} on {day} at {t}.")
    else:
        t = time_slot(r, [14, 15, 16, 17])
        d.b(pick(r, f"We just had a cancellation. Can you come today at {t}?",
                 f"Someone cancelled, so Dr. {doc} can see you today at {t}."))
        d.a(pick(r, "Yes, I'll be there.", f"Today at {t}? Great, I can make it."))
        s = pick(r, f"{P1} has had {symptom} for {days_ill} days and gets an appointment with "
                 f"Dr. {doc} today at {t} because of a cancellation.",
                 f"{P1} calls the clinic about {symptom}. Because of a cancellation, {P1} can see "
                 f"Dr. {doc} today at {t}.")
    if r.random() < 0.4:
        d.b(pick(r, "Please bring your insurance card.", "Please arrive ten minutes early."))
        d.a("Okay, I will.")
    d.maybe(CLOSINGS_SERVICE, 0.7)
    return d.text(), s


POSITIONS = ["sales assistant", "accountant", "web developer", "nurse", "marketing manager",
             "receptionist", "data analyst", "chef", "teacher", "graphic designer"]
COMPANIES = ["Northwind", "BrightPath", "Summit Foods", "BlueRiver Bank", "Nova Systems",
             "Greenleaf Hospital", "Atlas Media", "Harbor Hotels"]
SKILLS = {"sales assistant": "retail", "accountant": "bookkeeping",
          "web developer": "JavaScript", "nurse": "emergency care",
          "marketing manager": "social media", "receptionist": "customer service",
          "data analyst": "SQL", "chef": "Italian cooking", "teacher": "primary education",
          "graphic designer": "branding"}


def job_interview(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    pos, comp = r.choice(POSITIONS), r.choice(COMPANIES)
    skill, years = SKILLS[pos], r.randint(1, 12)
    outcome = r.choices(["wait", "second", "offer"], [0.45, 0.35, 0.2])[0]
    d.a(pick(r, f"Good morning. Thank you for coming in for the {pos} position at {comp}.",
             f"Welcome to {comp}. Please have a seat. You're here about the {pos} job, right?"))
    d.b(pick(r, "Thank you for having me.", "Yes, I'm glad to be here."))
    d.maybe([("Did you find the office easily?", "Yes, the directions were very clear."),
             ("Would you like some water?", "No, thank you, I'm fine.")], 0.4)
    d.a(pick(r, "Can you tell me about your experience?", "What experience do you have?"))
    d.b(pick(r, f"I have {years} years of experience in {skill}.",
             f"I've worked in {skill} for {years} years."))
    if r.random() < 0.6:
        d.a(pick(r, "Why do you want to work here?", "Why are you leaving your current job?"))
        d.b(pick(r, "I'd like more responsibility and a chance to grow.",
                 "I want to work for a company with a good reputation.",
                 "My current company is moving to another city."))
    if r.random() < 0.5:
        d.a(pick(r, "What is your biggest weakness?", "How do you handle stress?"))
        d.b(pick(r, "I sometimes spend too long on details, but I'm working on it.",
                 "I make a list and deal with the most urgent things first."))
    if r.random() < 0.4:
        d.b(pick(r, "Could you tell me about the working hours?", "Is there any training?"))
        d.a(pick(r, "We work from nine to five, Monday to Friday.",
                 "Yes, new staff get two weeks of training."))
    if outcome == "wait":
        k = r.choice([3, 5, 7, 10])
        d.a(pick(r, f"Thank you. We will contact you within {k} days.",
                 f"Thanks for your time. You'll hear from us within {k} days."))
        d.b("Thank you. I look forward to hearing from you.")
        s = pick(r, f"{P2} interviews for the {pos} position at {comp}. {P2} has {years} years of "
                 f"experience in {skill}, and {P1} will contact {P2} within {k} days.",
                 f"{P1} interviews {P2} for the {pos} job at {comp}. {P2} has {years} years of "
                 f"experience in {skill}. {P1} will contact {P2} within {k} days.")
    elif outcome == "second":
        day = r.choice(WEEKDAYS)
        d.a(pick(r, f"We'd like to invite you to a second interview on {day}.",
                 f"Could you come back for a second interview on {day}?"))
        d.b(pick(r, f"Yes, {day} is fine.", "Of course, I'd be happy to."))
        s = pick(r, f"{P2} interviews for the {pos} position at {comp}. {P2} has {years} years of "
                 f"experience in {skill}, and {P1} invites {P2} to a second interview on {day}.",
                 f"{P1} interviews {P2} for the {pos} job at {comp}. {P2} has {years} years of "
                 f"experience in {skill}. {P1} invites {P2} to a second interview on {day}.")
    else:
        day = r.choice(WEEKDAYS)
        d.a(pick(r, f"I'm happy to say we'd like to offer you the job. Can you start on {day}?",
                 f"We think you're a great fit. Could you start next {day}?"))
        d.b(pick(r, f"Yes, {day} works. Thank you so much!", "That's wonderful news. Yes, I can."))
        s = pick(r, f"{P2} interviews for the {pos} position at {comp}. {P2} has {years} years of "
                 f"experience in {skill}, and {P1} offers {P2} the job starting on {day}.",
                 f"{P1} interviews {P2} for the {pos} job at {comp}. {P2} has {years} years of "
                 f"experience in {skill}. {P1} offers {P2} the job starting on {day}.")
    return d.text(), s


ITEMS_CLOTHES = ["sweater", "jacket", "pair of shoes", "shirt", "dress", "coffee maker",
                 "lamp", "backpack", "pair of headphones", "toaster"]
RETURN_REASONS = {
    "too small": "It's too small for me.",
    "broken": "It stopped working after two days.",
    "the wrong color": "I ordered a different color.",
    "damaged": "There is a scratch on it.",
}


def shopping_return(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    item, color, price = r.choice(ITEMS_CLOTHES), r.choice(COLORS), r.randint(15, 120)
    reason = r.choice(list(RETURN_REASONS))
    days_ago = r.randint(2, 45)
    receipt = r.random() < 0.75
    d.b(pick(r, "Hello, can I help you?", "Hi, what can I do for you today?"))
    d.maybe(SMALLTALK_SERVICE, 0.2)
    d.a(pick(r, f"I'd like to return this {color} {item}. I bought it {days_ago} days ago for "
             f"${price}.", f"Hi, I bought this {color} {item} here {days_ago} days ago. It was "
             f"${price}, and I'd like to return it."))
    d.b(pick(r, "What seems to be the problem?", "May I ask why you're returning it?"))
    d.a(RETURN_REASONS[reason])
    d.b(pick(r, "Do you have the receipt?", "Have you got your receipt with you?"))
    d.a(pick(r, "Yes, here it is.", "Yes, I kept it.") if receipt
        else pick(r, "No, I'm afraid I lost it.", "Sorry, I threw it away."))
    if days_ago > 30:
        d.b(pick(r, "I'm sorry, we only accept returns within 30 days.",
                 "Unfortunately our return period is 30 days, so I can't take it back."))
        d.a(pick(r, "That's disappointing. Okay.", "Oh well, I didn't know that."))
        s = pick(r, f"{P1} wants to return a {color} {item} bought {days_ago} days ago for "
                 f"${price} because it is {reason}, but {P2} refuses because returns are only "
                 f"accepted within 30 days.",
                 f"{P1} tries to return a {color} {item} that is {reason}. {P2} refuses because it "
                 f"was bought {days_ago} days ago and the limit is 30 days.")
    elif not receipt:
        d.b(pick(r, "Without a receipt I can only give you store credit.",
                 "Since there's no receipt, I can offer you store credit."))
        d.a(pick(r, "Store credit is fine.", "Okay, I'll take the store credit."))
        s = pick(r, f"{P1} returns a {color} {item} that is {reason}. {P1} has no receipt, so "
                 f"{P2} gives {P1} ${price} in store credit.",
                 f"{P1} wants to return a {color} {item} because it is {reason}. Without a receipt, "
                 f"{P1} gets ${price} in store credit.")
    else:
        exchange = r.random() < 0.4
        if exchange:
            d.b("Would you like a refund or an exchange?")
            d.a(pick(r, "I'd like to exchange it for a new one.", "An exchange, please."))
            d.b(pick(r, "No problem, here is a new one.", "Sure, let me get you another one."))
            s = pick(r, f"{P1} returns a {color} {item} bought {days_ago} days ago because it is "
                     f"{reason}, and {P2} exchanges it for a new one.",
                     f"{P1} brings back a {color} {item} that is {reason}. {P2} exchanges it "
                     f"for a new one.")
        else:
            d.b(pick(r, f"No problem. I'll refund the ${price} to your card.",
                     f"That's fine. You'll get your ${price} back."))
            s = pick(r, f"{P1} returns a {color} {item} bought {days_ago} days ago because it is "
                     f"{reason}, and {P2} gives {P1} a refund of ${price}.",
                     f"{P1} brings back a {color} {item} that is {reason}. {P2} gives {P1} a "
                     f"refund of ${price}.")
    d.maybe(CLOSINGS_SERVICE, 0.6)
    return d.text(), s


ROOMS = ["single room", "double room", "twin room", "suite", "family room"]


def hotel_checkin(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    surname, room, nights = r.choice(SURNAMES), r.choice(ROOMS), r.randint(1, 7)
    number = r.randint(1, 9) * 100 + r.randint(1, 30)
    bfast = r.choice(["7 am", "6:30 am", "7:30 am"])
    ready = r.random() < 0.7
    d.b(pick(r, "Good afternoon, welcome to the Seaview Hotel.", "Hello, welcome. Checking in?"))
    d.a(pick(r, f"Hi, I have a reservation under {surname}. A {room} for {nights} nights.",
             f"Yes, the booking is under {surname}, a {room} for {nights} nights."))
    d.maybe(SMALLTALK_SERVICE, 0.3)
    d.b(pick(r, "May I see your passport, please?", "Could I see some ID, please?"))
    d.a(pick(r, "Here you are.", "Sure, here it is."))
    if ready:
        d.b(pick(r, f"Thank you. You're in room {number}. Here is your key card.",
                 f"Your room is {number}. Here's the key."))
    else:
        hour = r.choice(["2 pm", "3 pm", "4 pm"])
        d.b(pick(r, f"I'm sorry, your room isn't ready yet. It will be ready at {hour}. "
                 f"It's room {number}.", f"Room {number} is still being cleaned. It should be "
                 f"ready by {hour}."))
        d.a(pick(r, "Can I leave my bags here?", "Could you keep my luggage until then?"))
        d.b(pick(r, "Of course, we'll keep them behind the desk.", "Sure, no problem."))
    if r.random() < 0.6:
        d.a(pick(r, "What time is breakfast?", "When is breakfast served?"))
        d.b(pick(r, f"Breakfast starts at {bfast} in the restaurant.",
                 f"From {bfast} on the ground floor."))
        bf = f" Breakfast starts at {bfast}."
    else:
        bf = ""
    if r.random() < 0.4:
        d.a(pick(r, "Is there Wi-Fi in the room?", "Do you have a gym?"))
        d.b(pick(r, "Yes, the password is on your key card holder.", "Yes, on the first floor."))
    d.maybe(CLOSINGS_SERVICE, 0.6)
    if ready:
        s = pick(r, f"{P1} checks in to a {room} for {nights} nights under the name {surname} and "
                 f"gets room {number}.{bf}",
                 f"{P1} checks in under {surname} for {nights} nights. {P2} gives {P1} the key to "
                 f"{room} {number}.{bf}")
    else:
        s = pick(r, f"{P1} checks in to a {room} for {nights} nights under the name {surname}, "
                 f"but room {number} is not ready until {hour}, so {P1} leaves the bags.{bf}",
                 f"{P1} checks in under {surname} for {nights} nights. Room {number} will be ready "
                 f"at {hour}, so {P2} keeps {P1}'s bags.{bf}")
    return d.text(), s


def train_tickets(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    city, day = r.choice(CITIES), r.choice(DAYS)
    t = time_slot(r, [7, 8, 9, 10, 13, 15, 17])
    kind = r.choice(["one-way", "return"])
    n, price = r.randint(1, 4), r.randint(12, 90)
    sold_out = r.random() < 0.3
    d.b(pick(r, "Next, please.", "Good morning, where would you like to go?"))
    d.a(pick(r, f"I need {n} {kind} ticket{'s' if n > 1 else ''} to {city} on {day}, please.",
             f"Hi, {n} {kind} ticket{'s' if n > 1 else ''} to {city} for {day}."))
    d.b(pick(r, "What time would you like to leave?", "Which train would you like?"))
    d.a(pick(r, f"The {t} train, if possible.", f"Around {t}."))
    if sold_out:
        t2 = time_slot(r, [11, 12, 14, 16, 18, 19])
        d.b(pick(r, f"The {t} train is sold out. There's one at {t2}.",
                 f"Sorry, {t} is full. The next one with seats leaves at {t2}."))
        d.a(pick(r, f"Okay, {t2} then.", "Fine, I'll take that one."))
        t = t2
    d.b(pick(r, f"That's ${price} in total.", f"That comes to ${price}."))
    if r.random() < 0.4:
        d.a(pick(r, "Which platform does it leave from?", "Do I need to change trains?"))
        d.b(pick(r, f"Platform {r.randint(1, 12)}.", "No, it's a direct train."))
    d.maybe(SMALLTALK_SERVICE, 0.2)
    d.a(pick(r, "Can I pay by card?", "Here's the money."))
    d.b(pick(r, "Sure. Here are your tickets.", "Thank you. Have a good trip."))
    tix = f"{n} {kind} ticket{'s' if n > 1 else ''}"
    if sold_out:
        s = pick(r, f"{P1} buys {tix} to {city} for {day}. The first train is sold out, so {P1} "
                 f"takes the {t} train. It costs ${price}.",
                 f"{P1} wants {tix} to {city} on {day}. The first train is sold out, so {P1} "
                 f"takes the {t} train for ${price}.")
    else:
        s = pick(r, f"{P1} buys {tix} to {city} for the {t} train on {day}. It costs ${price}.",
                 f"{P1} wants {tix} to {city} on {day} and takes the {t} train for ${price}.")
    return d.text(), s


LOST = ["wallet", "umbrella", "phone", "scarf", "set of keys", "laptop bag", "watch"]
LOST_PLACES = ["on the bus", "in the park", "at the cinema", "in the library", "on the train",
               "at the gym"]


def lost_item(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    item, color, where = r.choice(LOST), r.choice(COLORS), r.choice(LOST_PLACES)
    day = r.choice(DAYS)
    found = r.random() < 0.55
    d.b(pick(r, "Lost and found office. Can I help you?", "Hello, how can I help?"))
    d.a(pick(r, f"I think I lost my {item} {where} on {day}.",
             f"Hi, I left my {item} {where} on {day}. Has anyone handed it in?"))
    d.b(pick(r, "Can you describe it?", "What does it look like?"))
    d.a(pick(r, f"It's {color}.", f"It's a {color} one, quite new."))
    d.maybe(SMALLTALK_SERVICE, 0.2)
    if r.random() < 0.5:
        d.b(pick(r, "Was there anything inside?", "Any special marks?"))
        d.a(pick(r, "My name is written on a small label.", "There's a sticker on the back."))
    if found:
        d.b(pick(r, f"Yes, we have a {color} {item} here. You can pick it up today.",
                 f"You're lucky, someone brought in a {color} {item} yesterday."))
        d.a(pick(r, "That's such a relief! I'll come right away.", "Thank you so much!"))
        s = pick(r, f"{P1} lost a {color} {item} {where} on {day}. {P2} has found it, and {P1} "
                 f"will pick it up today.",
                 f"{P1} asks about a {color} {item} lost {where} on {day}. It has been handed in, "
                 f"and {P1} will pick it up today.")
    else:
        d.b(pick(r, f"I'm sorry, no {item} has been handed in. Can you leave your phone number?",
                 "Nothing like that here yet. Leave me your number and I'll call you."))
        d.a(pick(r, "Sure, it's in this form.", "Okay, here's my number."))
        s = pick(r, f"{P1} lost a {color} {item} {where} on {day}. {P2} has not found it, so "
                 f"{P1} leaves a phone number.",
                 f"{P1} asks about a {color} {item} lost {where} on {day}. It has not been handed "
                 f"in, so {P1} leaves a phone number.")
    d.maybe(CLOSINGS_SERVICE, 0.5)
    return d.text(), s


AREAS = ["near the station", "in the city centre", "close to the university", "by the river",
         "next to the park"]


def apartment_rental(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    beds, rent, area = r.randint(1, 4), r.randrange(700, 2600, 50), r.choice(AREAS)
    pets = r.random() < 0.5
    budget = r.randrange(700, 2600, 50)
    outcome = "view" if budget >= rent else "too_expensive"
    d.b(pick(r, "Hello, Greenway Lettings.", "Good morning, how can I help you?"))
    d.a(pick(r, f"Hi, I'm calling about the {beds}-bedroom apartment {area}.",
             f"I saw your ad for a {beds}-bedroom flat {area}. Is it still available?"))
    d.b(pick(r, f"Yes, it is. The rent is ${rent} a month.",
             f"It's still available. It costs ${rent} per month."))
    if r.random() < 0.6:
        d.a(pick(r, "Are pets allowed? I have a cat.", "Can I keep a dog there?"))
        d.b(pick(r, "Yes, pets are allowed.", "Pets are fine.") if pets
            else pick(r, "Sorry, no pets are allowed.", "I'm afraid the owner doesn't allow pets."))
        pet_note = " Pets are allowed." if pets else " Pets are not allowed."
    else:
        pet_note = ""
    if r.random() < 0.4:
        d.a(pick(r, "Are bills included?", "Is there parking?"))
        d.b(pick(r, "Water is included, but not electricity.", "Yes, there's one parking space."))
    d.maybe(SMALLTALK_SERVICE, 0.2)
    if outcome == "view":
        day = r.choice(DAYS)
        d.a(pick(r, f"That fits my budget. Can I see it on {day}?",
                 f"Great. Could I come and see it on {day}?"))
        d.b(pick(r, f"Sure, {day} at ten works.", f"Yes, let's meet there on {day}."))
        s = pick(r, f"{P1} calls about a {beds}-bedroom apartment {area} that costs ${rent} a "
                 f"month and arranges to see it on {day}.{pet_note}",
                 f"{P1} asks {P2} about a {beds}-bedroom flat {area} for ${rent} a month and will "
                 f"view it on {day}.{pet_note}")
    else:
        d.a(pick(r, f"Oh, that's more than I can pay. My budget is ${budget}.",
                 f"Hmm, I can only afford ${budget}. I'll keep looking, thanks."))
        d.b(pick(r, "I understand. I'll let you know if something cheaper comes up.", "No problem."))
        s = pick(r, f"{P1} calls about a {beds}-bedroom apartment {area}, but the rent of ${rent} "
                 f"a month is above {P1}'s budget of ${budget}.{pet_note}",
                 f"{P1} asks {P2} about a {beds}-bedroom flat {area}. It costs ${rent} a month, "
                 f"more than {P1}'s budget of ${budget}.{pet_note}")
    return d.text(), s


CAR_PROBLEMS = {"the brakes": "The brakes make a squeaking noise.",
                "the engine": "The engine makes a strange noise when I start it.",
                "a flat tire": "I have a flat tire.",
                "the air conditioning": "The air conditioning only blows hot air.",
                "the battery": "The car won't start in the morning. I think it's the battery."}


def car_repair(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    problem = r.choice(list(CAR_PROBLEMS))
    cost, ready = r.randint(40, 900), r.choice(DAYS)
    agree = r.random() < 0.7
    d.b(pick(r, "Morning! What can we do for you?", "Hi, welcome to Fast Lane Garage."))
    d.a(CAR_PROBLEMS[problem])
    d.maybe(SMALLTALK_SERVICE, 0.2)
    d.b(pick(r, "Let me have a look.", "I'll take a look at it."))
    if r.random() < 0.5:
        d.a(pick(r, "How long have you been a mechanic?", "Is it something serious?"))
        d.b(pick(r, "Twenty years. Don't worry.", "It's not dangerous, but it needs fixing."))
    d.b(pick(r, f"We need to repair {problem}. It will cost ${cost} and be ready on {ready}.",
             f"Fixing {problem} will cost about ${cost}. You can collect the car on {ready}."))
    if agree:
        d.a(pick(r, "Okay, please go ahead.", "Fine, do it."))
        s = pick(r, f"{P1}'s car has a problem with {problem}. {P2} will repair it for ${cost}, "
                 f"and the car will be ready on {ready}.",
                 f"{P1} brings the car in because of {problem}. The repair costs ${cost}, and "
                 f"{P1} can collect the car on {ready}.")
    else:
        d.a(pick(r, "That's too expensive. I'll get a second opinion.",
                 f"${cost}? That's too much. I'll think about it."))
        d.b(pick(r, "Sure, let us know.", "As you like."))
        s = pick(r, f"{P1}'s car has a problem with {problem}. {P2} says the repair costs "
                 f"${cost}, but {P1} thinks it is too expensive and does not agree.",
                 f"{P1} brings the car in because of {problem}. The repair would cost ${cost}, "
                 f"which {P1} thinks is too expensive.")
    d.maybe(CLOSINGS_SERVICE, 0.5)
    return d.text(), s


PARTY_PLACES = ["Tom's garden", "the Italian place downtown", "the community hall",
                "our apartment", "the bowling alley", "the beach"]
PARTY_ITEMS = ["cake", "music", "decorations", "drinks", "snacks", "games"]


def birthday_party(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    friend, place, day = r.choice(FIRST_NAMES), r.choice(PARTY_PLACES), r.choice(DAYS)
    age = r.randint(18, 60)
    item_b, item_a = r.sample(PARTY_ITEMS, 2)
    surprise = r.random() < 0.5
    d.maybe(OPENERS_FRIENDS, 0.6)
    kind = "surprise party" if surprise else "party"
    d.a(pick(r, f"{friend} turns {age} next week. Let's throw a {kind}!",
             f"You know {friend}'s {ordinal(age)} birthday is coming up? I want to organize a {kind}."))
    d.b(pick(r, "Great idea! Where should we have it?", "I love it. Where?"))
    d.maybe(SMALLTALK_FRIENDS, 0.3)
    d.a(pick(r, f"How about {place} on {day}?", f"I was thinking {place}, on {day}."))
    d.b(pick(r, f"{day} is perfect.", "Sounds good to me."))
    if surprise:
        d.a(pick(r, f"Remember, {friend} mustn't find out.", "Don't say anything, it's a surprise."))
        d.b("My lips are sealed.")
    d.a(pick(r, f"Can you take care of the {item_b}?", f"Could you bring the {item_b}?"))
    d.b(pick(r, f"Sure, I'll bring the {item_b}. You do the {item_a}?",
             f"No problem. And you'll handle the {item_a}?"))
    d.a(pick(r, f"Yes, I'll get the {item_a}.", f"Deal, the {item_a} is on me."))
    if r.random() < 0.4:
        d.b(pick(r, "How many people should we invite?", "Should we invite people from work?"))
        d.a(pick(r, "Maybe twenty or so.", "Just close friends, I think."))
    d.maybe(CLOSINGS_FRIENDS, 0.6)
    said_ordinal = f"{ordinal(age)} birthday" in d.text()  # the summary repeats the dialogue's form
    whose = f"{friend}'s {ordinal(age)} birthday" if said_ordinal else f"{friend}, who turns {age},"
    s = pick(r, f"{P1} and {P2} plan a {kind} for {whose} at {place} on "
             f"{day}. {P2} will bring the {item_b}, and {P1} will get the {item_a}.",
             f"{P1} and {P2} organize a {kind} for {whose} at {place} on {day}. "
             f"{P2} will bring the {item_b} and {P1} the {item_a}.")
    return d.text(), s


BOOKS = ["The Silent Orchard", "A History of Salt", "Rivers of Glass", "The Clockmaker's Son",
         "Learning Python Fast", "The Last Lighthouse", "Stars over Lima", "Cooking for Two"]


def library_visit(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    book, weeks = r.choice(BOOKS), r.choice([2, 3, 4])
    available = r.random() < 0.6
    d.a(pick(r, f"Excuse me, I'm looking for {book}.", f"Hi, do you have {book}?"))
    d.b(pick(r, "Let me check the system.", "One moment, I'll look it up."))
    d.maybe(SMALLTALK_SERVICE, 0.2)
    if available:
        d.b(pick(r, "Yes, it's on the second floor. Do you have your library card?",
                 "We have one copy. May I see your library card?"))
        d.a(pick(r, "Here it is.", "Yes, here you go."))
        d.b(pick(r, f"You can keep it for {weeks} weeks.", f"It's due back in {weeks} weeks."))
        late = r.random() < 0.5
        if late:
            fine = r.choice(["10 cents", "25 cents", "50 cents"])
            d.a("What if I return it late?")
            d.b(f"The fine is {fine} a day.")
            fine_note = f" The late fine is {fine} a day."
        else:
            fine_note = ""
        s = pick(r, f"{P1} borrows {book} from the library for {weeks} weeks.{fine_note}",
                 f"{P1} asks {P2} for {book} and checks it out for {weeks} weeks.{fine_note}")
    else:
        day = r.choice(DAYS)
        d.b(pick(r, f"I'm sorry, it's checked out until {day}. Would you like to reserve it?",
                 f"All copies are out. It should be back on {day}. Shall I reserve it?"))
        d.a(pick(r, "Yes, please reserve it for me.", "Yes, please."))
        d.b(pick(r, "Done. We'll email you when it arrives.", "Okay, it's reserved."))
        s = pick(r, f"{P1} wants to borrow {book}, but it is checked out until {day}, so {P2} "
                 f"reserves it for {P1}.",
                 f"{P1} asks {P2} for {book}. It is out until {day}, so {P1} reserves it.")
    if r.random() < 0.3:
        d.a(pick(r, "Where are the study rooms?", "Can I use the printers?"))
        d.b(pick(r, "They're on the third floor.", "Yes, next to the entrance."))
    d.maybe(CLOSINGS_SERVICE, 0.5)
    return d.text(), s


WEATHER = {"rainy": ["go to the museum", "watch a film at the cinema", "play board games at home",
                     "visit the aquarium"],
           "sunny": ["go hiking", "have a picnic in the park", "go to the beach",
                     "ride bikes by the lake"]}


def weekend_plans(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    weather = r.choice(list(WEATHER))
    day = r.choice(["Saturday", "Sunday"])
    act = r.choice(WEATHER[weather])
    wrong = r.choice(WEATHER["sunny" if weather == "rainy" else "rainy"])
    d.maybe(OPENERS_FRIENDS, 0.6)
    d.a(pick(r, "Do you have any plans for the weekend?", "What shall we do this weekend?"))
    d.b(pick(r, f"Not yet. Maybe we could {wrong}?", f"I was thinking we could {wrong}."))
    d.maybe(SMALLTALK_FRIENDS, 0.35)
    if weather == "rainy":
        d.a(pick(r, f"The forecast says it will rain all day on {day}.",
                 f"I checked the weather. It's going to be rainy on {day}."))
    else:
        d.a(pick(r, f"The forecast says it will be sunny and warm on {day}.",
                 f"I checked the weather. {day} will be sunny."))
    d.b(pick(r, f"In that case, let's {act} instead.", f"Then why don't we {act}?"))
    d.a(pick(r, "Good idea.", "Perfect, I'm in."))
    if r.random() < 0.5:
        who = r.choice(FIRST_NAMES)
        d.b(pick(r, f"Should we invite {who}?", f"Let's ask {who} to come too."))
        d.a(pick(r, f"Sure, I'll call {who}.", "Yes, the more the merrier."))
        inv = f" They will invite {who}."
    else:
        inv = ""
    d.maybe(CLOSINGS_FRIENDS, 0.5)
    wdesc = "rain" if weather == "rainy" else "be sunny"
    s = pick(r, f"{P1} and {P2} talk about the weekend. Because it will {wdesc} on {day}, they "
             f"decide to {act}.{inv}",
             f"{P1} and {P2} make weekend plans. The forecast says it will {wdesc} on {day}, so "
             f"they will {act}.{inv}")
    return d.text(), s


ACCOUNTS = ["savings account", "checking account", "student account", "joint account"]


def bank_account(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    acc, deposit = r.choice(ACCOUNTS), r.choice([50, 100, 200, 250, 500, 1000])
    has_id = r.random() < 0.7
    d.b(pick(r, "Good morning, how may I help you?", "Hello, welcome to City Bank."))
    d.a(pick(r, f"I'd like to open a {acc}.", f"Hi, I want to open a {acc}, please."))
    d.b(pick(r, "Certainly. Do you have a photo ID and proof of address?",
             "Sure. I'll need your ID and a recent bill with your address."))
    d.maybe(SMALLTALK_SERVICE, 0.2)
    if r.random() < 0.5:
        d.a(pick(r, "Is there a monthly fee?", "What's the interest rate?"))
        d.b(pick(r, "No, it's free if you keep a minimum balance.", "It's two percent a year."))
    if has_id:
        d.a(pick(r, "Yes, here they are.", "Yes, I brought both."))
        d.b(pick(r, "How much would you like to deposit today?", "What's your first deposit?"))
        d.a(pick(r, f"${deposit}, please.", f"I'll start with ${deposit}."))
        d.b(pick(r, "Done. Your card will arrive by mail in a week.",
                 "All set. You'll get your card in about a week."))
        s = pick(r, f"{P1} opens a {acc} at the bank with a first deposit of ${deposit}. The card "
                 f"will arrive in a week.",
                 f"{P2} helps {P1} open a {acc}. {P1} deposits ${deposit}, and the card will "
                 f"arrive in a week.")
    else:
        d.a(pick(r, "Oh no, I left my ID at home.", "I only have my bank card, not my passport."))
        d.b(pick(r, "I'm sorry, we can't open the account without ID. Please come back with it.",
                 "Then you'll have to come back with a photo ID."))
        d.a(pick(r, "Okay, I'll come back tomorrow.", "Fine, I'll bring it next time."))
        s = pick(r, f"{P1} wants to open a {acc}, but {P1} does not have a photo ID, so {P1} "
                 f"has to come back with it.",
                 f"{P2} cannot open a {acc} for {P1} without a photo ID, so {P1} will come back "
                 f"with it.")
    return d.text(), s


PLANS = {"monthly": "month", "yearly": "year"}
CLASSES = ["yoga", "spinning", "swimming", "boxing", "pilates"]


def gym_membership(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    plan = r.choice(list(PLANS))
    price = r.randint(20, 60) if plan == "monthly" else r.randrange(200, 600, 10)
    cls = r.choice(CLASSES)
    joins = r.random() < 0.6
    greeting = pick(r, "Hi, welcome to Peak Fitness.", "Hello! Interested in joining?")
    d.b(greeting)
    gym = "Peak Fitness" if "Peak Fitness" in greeting else "the gym"  # only what the dialogue says
    d.a(pick(r, "I'd like some information about membership.", "How much is a membership?"))
    d.b(pick(r, f"The {plan} plan is ${price} a {PLANS[plan]}.",
             f"We have a {plan} plan for ${price} per {PLANS[plan]}."))
    d.a(pick(r, f"Does that include {cls} classes?", f"Can I join the {cls} classes?"))
    d.b(pick(r, f"Yes, {cls} is included.", f"Yes, {cls} classes are free for members."))
    d.maybe(SMALLTALK_SERVICE, 0.3)
    if r.random() < 0.4:
        d.a(pick(r, "What are the opening hours?", "Is there a pool?"))
        d.b(pick(r, "Six in the morning until eleven at night.", "Yes, on the lower floor."))
    if joins:
        d.a(pick(r, "Great, I'll sign up today.", "Okay, sign me up."))
        d.b(pick(r, "Wonderful. Please fill in this form.", "Great, let's get you registered."))
        s = pick(r, f"{P1} signs up for the {plan} plan at {gym} for ${price} a "
                 f"{PLANS[plan]}, which includes {cls} classes.",
                 f"{P1} joins {gym} on the {plan} plan. It costs ${price} a {PLANS[plan]} "
                 f"and includes {cls} classes.")
    else:
        d.a(pick(r, "I need to think about it.", "Let me talk to my partner first."))
        d.b(pick(r, "Sure, here's a brochure.", "No problem, take a leaflet."))
        s = pick(r, f"{P1} asks about the {plan} plan at {gym}, which costs ${price} a "
                 f"{PLANS[plan]} and includes {cls} classes, but {P1} wants to think about it.",
                 f"{P1} asks about joining {gym}. The {plan} plan costs ${price} a "
                 f"{PLANS[plan]} with {cls} classes, but {P1} does not sign up yet.")
    return d.text(), s


SUBJECTS = {"math": "a set of algebra problems", "history": "an essay on the French Revolution",
            "biology": "a report on plant cells", "chemistry": "a lab report",
            "English": "a book review", "physics": "a worksheet on forces",
            "geography": "a poster about volcanoes"}


def homework_help(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    subj = r.choice(list(SUBJECTS))
    task, due = SUBJECTS[subj], r.choice(DAYS)
    meet = r.choice(["in the library", "at my place", "at the cafe", "after class"])
    helps = r.random() < 0.7
    d.maybe(OPENERS_FRIENDS, 0.5)
    d.a(pick(r, f"I'm stuck on my {subj} homework. We have to do {task}.",
             f"Have you finished the {subj} assignment? It's {task}, and I don't get it."))
    d.b(pick(r, "When is it due?", "Oh, that one. When do we have to hand it in?"))
    d.a(pick(r, f"On {due}.", f"It's due {due}."))
    d.maybe(SMALLTALK_FRIENDS, 0.3)
    if helps:
        d.b(pick(r, f"I've already finished mine. I can help you {meet} tomorrow.",
                 f"I can help. Let's meet {meet} tomorrow."))
        d.a(pick(r, "Thank you so much!", "You're a lifesaver."))
        s = pick(r, f"{P1} is stuck on the {subj} homework, {task}, due on {due}. {P2} will help "
                 f"{P1} {meet} tomorrow.",
                 f"{P1} needs help with {task} for {subj}, due {due}, and {P2} offers to help "
                 f"{meet} tomorrow.")
    else:
        d.b(pick(r, "Sorry, I'm busy all week. You should ask the teacher.",
                 "I don't understand it either. Let's email the teacher."))
        d.a(pick(r, "Okay, I'll ask the teacher.", "Good idea, I'll write to the teacher tonight."))
        s = pick(r, f"{P1} is stuck on the {subj} homework, {task}, due on {due}. {P2} cannot "
                 f"help, so {P1} will ask the teacher.",
                 f"{P1} needs help with {task} for {subj}, due {due}, but {P2} can't help, so "
                 f"{P1} will ask the teacher.")
    d.maybe(CLOSINGS_FRIENDS, 0.4)
    return d.text(), s


def moving_house(r: random.Random) -> tuple[str, str]:
    d = Dialogue(r)
    city, day = r.choice(CITIES), r.choice(DAYS)
    boxes = r.randint(10, 60)
    van = r.random() < 0.5
    helps = r.random() < 0.65
    d.maybe(OPENERS_FRIENDS, 0.5)
    d.a(pick(r, f"Guess what, I'm moving to {city}!", f"I finally found a new place in {city}."))
    d.b(pick(r, "Wow, congratulations! When are you moving?", "That's great news. When?"))
    d.a(pick(r, f"On {day}. I've already packed {boxes} boxes.",
             f"This {day}. I have about {boxes} boxes to move."))
    d.maybe(SMALLTALK_FRIENDS, 0.3)
    if van:
        d.b(pick(r, "Are you hiring movers?", "How will you move everything?"))
        d.a(pick(r, "No, I rented a van.", "I'm renting a van to save money."))
        van_note = f" {P1} has rented a van."
    else:
        van_note = ""
    if helps:
        d.a(pick(r, "Could you help me carry things?", "Would you be able to give me a hand?"))
        d.b(pick(r, f"Of course, I'll be there on {day} morning.", "Sure, count me in."))
        s = pick(r, f"{P1} is moving to {city} on {day} with {boxes} boxes, and {P2} will help "
                 f"carry things.{van_note}",
                 f"{P1} tells {P2} about moving to {city} on {day}. There are {boxes} boxes, and "
                 f"{P2} agrees to help.{van_note}")
    else:
        d.a(pick(r, "Could you help me carry things?", "Would you be able to give me a hand?"))
        d.b(pick(r, f"I'm sorry, I'm working on {day}.", f"I'd love to, but I'm away on {day}."))
        d.a("No worries, I'll ask someone else.")
        s = pick(r, f"{P1} is moving to {city} on {day} with {boxes} boxes, but {P2} cannot help "
                 f"that day.{van_note}",
                 f"{P1} tells {P2} about moving to {city} on {day}. There are {boxes} boxes, but "
                 f"{P2} is busy and cannot help.{van_note}")
    d.maybe(CLOSINGS_FRIENDS, 0.5)
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


FRIEND_TOPICS = {"birthday party", "weekend plans", "homework", "moving house"}


def add_asides(rng: random.Random, dialogue: str, topic: str) -> str:
    """Insert 0-3 small-talk exchanges after the first turn or before the last two turns."""
    k = rng.choices([0, 1, 2, 3], [0.45, 0.25, 0.18, 0.12])[0]
    if k == 0:
        return dialogue
    lines = dialogue.split("\n")
    bank = ASIDES_FRIENDS if topic in FRIEND_TOPICS else ASIDES_SERVICE
    for first, second in rng.sample(bank, k):
        at = rng.choice([1, max(1, len(lines) - 2)])
        a, b = (P1, P2) if rng.random() < 0.6 else (P2, P1)
        lines[at:at] = [f"{a}: {first}", f"{b}: {second}"]
    return "\n".join(lines)


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
                dialogue = add_asides(rng, dialogue, topic)
                if dialogue not in seen:
                    seen.add(dialogue)
                    break
            rows.append({"id": f"{split}_{i:04d}", "dialogue": dialogue, "summary": summary,
                         "topic": topic})
        out[split] = rows
    return out
