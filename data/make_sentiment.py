"""The sentiment set: domains, phrase banks, the labelling rules, label noise and `make_sentiment(rng)`.

Standard library only (and helpers/text.py, which is too). Called by data/make_data.py.

Labelling rules (documented in data/README.md; every text is built from a clause whose polarity is
known, so the rules decide each label):
- plain opinions: the polarity of the evaluative words, whatever the hedge ("a bit", "somewhat",
  "I suppose" soften, they never flip or neutralise);
- negation flips the polarity of what it scopes over: "wasn't bad at all" is positive, "I can't say
  it was good" negative; "not only X, Y too" negates nothing;
- contrast: after "but" or "However," the second clause decides; a concessive clause ("although",
  "even though", "while") never decides, wherever it stands;
- irony: a positive interjection before a bad event ("Great, another two-hour wait.") is negative;
  the same interjection before a good event is positive;
- neutral: no opinion of the writer: facts, plans, and questions (a question may name a quality:
  "Is the camera any good at night?").
Then NOISE_RATE of the rows of every split get a text built for another label (label noise, the
same count per split, chosen by the seeded generator): `make_sentiment_with_truth` keeps both labels.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing
from helpers.text import near_duplicate_key  # standard library only, like this script

SENTIMENT_SIZES = {"train": 2000, "validation": 200, "test": 200}
# Per-split label shares (mild imbalance, identical in every split).
SENTIMENT_SHARES = {"positive": 0.38, "negative": 0.35, "neutral": 0.27}
NOISE_RATE = 0.04  # share of rows per split whose text was built for a different label

# --------------------------------------------------------------------------------------------
# Slot fillers shared by all domains (invented or common words, no corpus text)
# --------------------------------------------------------------------------------------------
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
NUMS = ["two", "three", "four", "five", "six", "seven", "eight", "ten", "twelve", "fifteen", "twenty"]
PEOPLE = ["my sister", "my brother", "my husband", "my wife", "my partner", "my neighbour", "my mother",
          "my father", "my flatmate", "a colleague", "my cousin", "my daughter", "my son", "my uncle",
          "my aunt", "a friend from work", "my grandmother", "my best friend", "my godmother",
          "my landlord", "my piano teacher", "my stepfather", "my goddaughter", "my fiancee", "my boss",
          "my brother-in-law", "my twin", "my housemate", "an old schoolfriend", "my teammates",
          "my grandfather", "my nephew", "my niece", "my mentor", "my supervisor", "my choir friends"]
NAMES = ["Amara", "Bogdan", "Chiara", "Dmitri", "Esther", "Farid", "Greta", "Hiroshi", "Ines", "Jonah",
         "Kasia", "Lorenzo", "Maeve", "Nikhil", "Odette", "Pavel", "Quentin", "Rosalind", "Soren",
         "Tamsin", "Ulrich", "Valeria", "Wendell", "Ximena", "Yusuf", "Zofia", "Anselm", "Beatrix",
         "Cormac", "Delphine", "Emeka", "Fenella", "Gideon", "Hortense", "Ingrid", "Jasper", "Leopold",
         "Marisol", "Niamh", "Oswin", "Priya", "Rufus", "Saoirse", "Thaddeus", "Wilhelmina", "Agnieszka",
         "Barnaby", "Cosima", "Desmond", "Elspeth", "Florian", "Gwendolyn", "Horatio", "Isolde", "Jolyon",
         "Klaus", "Lavinia", "Malachy", "Nerys", "Octavia", "Peregrine", "Rasmus", "Sabine", "Tobias",
         "Ursula", "Vikram", "Wolfgang", "Yvette", "Zebedee", "Aurelio", "Benedikt", "Clementine",
         "Dagny", "Evander", "Fiammetta", "Gustavo", "Henrike", "Ignatius", "Juniper", "Kofi", "Ludmila",
         "Mordecai", "Nadia", "Orla", "Perpetua", "Radomir", "Sigrun", "Tiberius", "Veronika", "Winifred",
         "Yannick", "Zuzana", "Ambrose", "Bronagh", "Casimir", "Dorotea", "Eamon", "Frederica", "Godfrey"]
CITIES = ["Lisbon", "Leeds", "Porto", "Ghent", "Bergen", "Krakow", "Seville", "Utrecht", "Galway",
          "Tampere", "Bologna", "Brno", "Aarhus", "Nantes", "Graz", "Ljubljana", "Bristol", "Dundee",
          "Valencia", "Lyon", "Tallinn", "Malmo", "Cork", "Basel", "Trieste", "Antwerp", "Salzburg", "Coimbra",
          "Bordeaux", "Gdansk", "Innsbruck", "Limerick", "Maastricht", "Odense", "Pisa", "Riga", "Stavanger",
          "Turku", "Vilnius", "Zagreb", "Aberdeen", "Bilbao", "Cardiff", "Dresden", "Eindhoven", "Florence",
          "Genoa", "Heidelberg", "Inverness", "Kaunas", "Leipzig", "Montpellier", "Norwich", "Oulu",
          "Plymouth", "Rotterdam", "Split", "Toulouse", "Uppsala", "Verona", "Wroclaw", "York"]
STREETS = ["Harbour Street", "Mill Lane", "Station Road", "Orchard Row", "Quay Street", "Chapel Walk",
           "Linden Avenue", "Bridge Street", "Market Square", "Foundry Lane", "Canal Road", "Elm Terrace",
           "Rope Walk", "Tanners Yard", "Weaver Street", "Cooper Lane", "Abbey Road", "Saddler Row",
           "Ferry Lane", "Granary Court", "Kiln Street", "Lantern Way", "Beacon Hill", "Willow Crescent",
           "Thistle Close", "Magpie Lane", "Hawthorn Drive", "Cobbler Street", "Pilgrim Way", "Mercer Row"]
TITLE_A = ["Silent", "Copper", "Hollow", "Northern", "Paper", "Glass", "Winter", "Crooked", "Amber",
           "Distant", "Salt", "Quiet", "Burning", "Velvet", "Iron", "Forgotten", "Scarlet", "Drifting", "Golden",
           "Wandering", "Broken", "Hidden", "Restless", "Emerald", "Frozen", "Sleeping", "Wild", "Shattered",
           "Midnight", "Crimson", "Lonely", "Sunken", "Gilded", "Howling", "Painted", "Whispering", "Ashen"]
TITLE_B = ["Harbour", "Orchard", "Lantern", "Meridian", "Tide", "Kingdom", "Lighthouse", "Garden",
           "Compass", "Archive", "Meadow", "Frontier", "Atlas", "Signal", "Voyage", "Citadel", "Mirror", "Falcon",
           "Orchid", "Quarry", "Harvest", "Labyrinth", "Monsoon", "Tapestry", "Cathedral", "Glacier", "Raven",
           "Sparrow", "Ember", "Horizon", "Pendulum", "Thicket", "Canyon", "Estuary", "Beacon", "Chimney"]

# --------------------------------------------------------------------------------------------
# Evaluative words. Generic ones fit any aspect; each aspect adds its own.
# --------------------------------------------------------------------------------------------
POS_ADJ = ["great", "excellent", "wonderful", "fantastic", "superb", "lovely", "impressive", "brilliant",
           "outstanding", "good", "perfect", "delightful", "terrific", "marvellous", "splendid", "first-rate",
           "top-notch", "exceptional", "solid", "pleasant", "remarkable", "flawless", "stellar", "admirable",
           "sublime", "glorious", "magnificent", "exquisite", "phenomenal", "dazzling", "faultless",
           "praiseworthy", "commendable", "charming", "enjoyable", "satisfying", "refreshing", "fabulous",
           "wondrous", "stupendous", "majestic", "heartwarming", "uplifting", "immaculate", "polished",
           "dependable", "classy", "divine", "spot-on", "sensational", "masterful", "peerless"]
NEG_ADJ = ["awful", "terrible", "disappointing", "horrible", "poor", "useless", "frustrating", "dreadful",
           "bad", "unacceptable", "annoying", "appalling", "abysmal", "atrocious", "shoddy", "mediocre",
           "pathetic", "dismal", "lousy", "subpar", "woeful", "shambolic", "infuriating", "second-rate", "dire",
           "deplorable", "wretched", "lamentable", "inadequate", "hopeless", "maddening", "underwhelming",
           "deficient", "rotten", "crummy", "shabby", "inferior", "miserable", "careless", "amateurish",
           "sloppy", "tiresome", "irritating", "exasperating", "dismaying", "regrettable", "sorry",
           "unbearable", "intolerable", "ghastly", "horrendous", "disastrous", "botched", "farcical"]
INTENS = ["", "", "", "", "really ", "absolutely ", "incredibly ", "truly ", "genuinely ", "so ",
          "remarkably ", "properly ", "seriously ", "utterly ",
          "extremely ", "thoroughly ", "exceptionally ", "wonderfully ", "downright ", "unbelievably "]
HEDGE_PRE = ["a bit ", "somewhat ", "fairly ", "rather ", "slightly ", "kind of ", "sort of ",
             "a little ", "mostly ", "reasonably "]
HEDGE_POST = [", I suppose", ", I guess", ", to be fair", ", I think", ", more or less", ", on the whole",
              ", if I'm honest"]
NEG_GAP = ["", "", "", "at all ", "remotely ", "even slightly ", "in any way ", "the least bit "]
POS_VERB = ["loved", "enjoyed", "adored", "really liked", "was delighted with", "was thrilled with",
            "was impressed by", "was won over by", "appreciated", "cherished", "was charmed by",
            "raved about", "was blown away by", "fell in love with", "treasured", "savoured"]
NEG_VERB = ["hated", "disliked", "couldn't stand", "was fed up with", "was let down by", "was annoyed by",
            "regretted paying for", "was disgusted by", "was sick of", "loathed", "detested",
            "was appalled by", "was infuriated by", "was exasperated by", "despised", "resented"]
POS_VERDICT = ["Would buy again!", "Highly recommended.", "Five stars from me.", "I'll definitely be back.",
               "Worth every penny.", "Money well spent.", "Can't wait to go back.", "A real treat."]
NEG_VERDICT = ["Never again.", "One star.", "Save your money.", "I want a refund.", "Avoid.",
               "What a waste of money.", "Stay away.", "I've complained in writing."]
# Interjections used for irony (before a bad event: negative) and sincerely (before a good one: positive)
CUES = ["Great", "Oh great", "Wonderful", "Oh wonderful", "Fantastic", "Brilliant", "Perfect", "Lovely",
        "Just perfect", "Marvellous", "Oh brilliant", "Superb"]
CUE_FRAMES = ["{cue}, {event}.", "{cue}, {event}!", "{cue}: {event}.", "{cue}. {Event}.",
              "Just what I needed: {event}.", "Love how {event}.", "I just love it when {event}.",
              "{cue}, {event}. Thanks, {name}."]

# --------------------------------------------------------------------------------------------
# Domains. aspects: "noun phrase|p (plural) or s|positive adjectives|negative adjectives".
# things: what the review is about; facts: neutral statements; questions: neutral questions
# ({asp} an aspect, {adj} any evaluative word); good/bad: events without evaluative adjectives.
# Slots: {day} {month} {num} {city} {street} {person} {name} {title}
# --------------------------------------------------------------------------------------------
DOMAINS: dict[str, dict[str, list[str]]] = {
    "restaurant": {
        "things": ["this restaurant", "the bistro", "this trattoria", "the diner on {street}", "the {title} Grill"],
        "aspects": ["the food|s|delicious,tasty,flavourful,fresh|bland,greasy,stale,tasteless",
                    "the service|s|attentive,prompt,friendly,warm|slow,sloppy,careless,rude",
                    "the waiters|p|attentive,charming,courteous,friendly|rude,dismissive,surly,clueless",
                    "the risotto|s|creamy,rich,fragrant,perfect|gluey,salty,undercooked,watery",
                    "the lamb curry|s|aromatic,tender,fragrant,spicy|fatty,lukewarm,gristly,oily",
                    "the desserts|p|decadent,heavenly,gorgeous,light|soggy,sickly,stale,dry",
                    "the portions|p|generous,hearty,ample,filling|tiny,stingy,meagre,miserable",
                    "the prices|p|fair,reasonable,modest,sensible|steep,outrageous,inflated,extortionate",
                    "the wine list|s|thoughtful,interesting,varied,clever|overpriced,limited,dull,predictable",
                    "the dining room|s|cosy,elegant,bright,charming|cramped,noisy,dingy,drab",
                    "the grilled octopus|s|smoky,tender,juicy,succulent|rubbery,chewy,burnt,cold",
                    "the sourdough|s|crusty,chewy,fresh,warm|stale,hard,doughy,burnt",
                    "the tasting menu|s|inventive,exquisite,adventurous|pretentious,fussy,joyless,overwrought",
                    "the cocktails|p|zingy,refreshing,balanced,inventive|sickly,watered-down,syrupy,flat"],
        "facts": ["we had dinner there on {day} night", "the restaurant opens at noon",
                  "we ordered the set menu for {num}", "the menu changes every season",
                  "it is a short walk from the station on {street}", "they serve lunch until three",
                  "we booked a table for {num} people", "the kitchen closes at ten on weekdays",
                  "the chef trained in {city}", "they take reservations by phone only",
                  "the restaurant has a terrace facing {street}", "the lunch menu has {num} starters"],
        "questions": ["does the restaurant take bookings for groups of {num}",
                      "is {asp} {adj} enough to justify the trip",
                      "does anyone know whether they open on {day}", "is the terrace heated in {month}"],
        "good": ["the waiter remembered our order from last time", "they found us a table without a booking",
                 "the chef came out to ask how everything tasted", "dessert was on the house"],
        "bad": ["another forty-minute wait for a table", "they lost our reservation again",
                "the soup arrived cold for the second time", "we waited an hour for the bill",
                "there was a hair in my salad", "they charged us twice for the wine"],
    },
    "hotel": {
        "things": ["this hotel", "the guesthouse", "this resort", "the hostel", "the {title} Inn"],
        "aspects": ["the room|s|spotless,spacious,quiet,airy|dirty,cramped,noisy,stuffy",
                    "the staff|p|friendly,welcoming,helpful,attentive|rude,unhelpful,indifferent,surly",
                    "the breakfast|s|delicious,plentiful,fresh,varied|meagre,stale,cold,repetitive",
                    "the beds|p|comfortable,firm,cosy,huge|lumpy,saggy,creaky,hard",
                    "the location|s|central,convenient,peaceful,ideal|remote,dodgy,inconvenient,isolated",
                    "the bathroom|s|immaculate,modern,gleaming,roomy|filthy,mouldy,grimy,tiny",
                    "the pool|s|inviting,clean,heated,gorgeous|murky,overcrowded,freezing,grubby",
                    "the view|s|stunning,breathtaking,gorgeous,lovely|bleak,grim,depressing,dreary",
                    "the reception desk|s|efficient,welcoming,helpful,quick|chaotic,slow,unhelpful,unfriendly",
                    "the towels|p|fluffy,fresh,soft,thick|threadbare,stained,scratchy,damp",
                    "the wifi|s|fast,reliable,free,stable|patchy,sluggish,unreliable,useless",
                    "the minibar|s|well-stocked,handy,generous,tempting|empty,overpriced,warm,sticky",
                    "the concierge|s|resourceful,gracious,knowledgeable,obliging|aloof,useless,snooty,forgetful"],
        "facts": ["we stayed there for {num} nights", "the hotel has forty rooms",
                  "check-in is from two in the afternoon", "breakfast is served on the ground floor",
                  "the hotel is next to the main square in {city}", "we booked the room online in {month}",
                  "the hotel has a car park behind the building", "our room was on the fourth floor",
                  "there is a bus stop outside the entrance", "we checked out on {day} morning",
                  "the hotel was renovated two years ago", "the rate included breakfast for two"],
        "questions": ["is {asp} {adj} in the summer", "does the hotel allow dogs",
                      "can you walk from the hotel to the old town in {city}", "is there parking at the hotel"],
        "good": ["they upgraded us to a suite for free", "the staff kept our luggage after checkout",
                 "housekeeping left a birthday card for {person}", "we got a late checkout without asking"],
        "bad": ["the lift broke down again", "another night of drilling next door",
                "they gave our room to someone else", "the shower ran cold every morning",
                "we found a cockroach in the wardrobe", "the fire alarm went off at three in the morning"],
    },
    "phone": {
        "things": ["this phone", "the handset", "this smartphone", "the {title} X2", "the new model"],
        "aspects": ["the battery|s|long-lasting,dependable,reliable,tireless|feeble,short-lived,weak,unreliable",
                    "the screen|s|sharp,vivid,bright,crisp|dim,washed-out,grainy,fragile",
                    "the camera|s|sharp,versatile,superb,detailed|blurry,grainy,noisy,slow",
                    "the speakers|p|loud,clear,rich,punchy|tinny,muffled,quiet,crackly",
                    "the charger|s|fast,compact,reliable,handy|slow,flimsy,bulky,faulty",
                    "the fingerprint sensor|s|quick,accurate,reliable,responsive|sluggish,erratic,unreliable,fiddly",
                    "the build quality|s|sturdy,premium,solid,robust|flimsy,cheap,plasticky,creaky",
                    "the software|s|smooth,snappy,clean,intuitive|buggy,bloated,laggy,clunky",
                    "the case|s|sturdy,slim,grippy,elegant|slippery,bulky,cheap,loose",
                    "the night mode|s|stunning,impressive,clever,sharp|murky,useless,smeary,noisy",
                    "the face unlock|s|instant,seamless,secure,dependable|sluggish,unreliable,insecure,finicky"],
        "facts": ["the phone comes in three colours", "I bought it {num} weeks ago",
                  "it has 128 GB of storage", "the box contains a cable and a charger",
                  "I switched from an older model", "it runs the latest system update",
                  "it weighs about two hundred grams", "I ordered it from a shop in {city}",
                  "it has two SIM slots", "the screen is six inches across", "it charges over USB-C",
                  "I use it mostly for calls and maps"],
        "questions": ["is {asp} {adj} in daylight", "does it support wireless charging",
                      "can the memory be expanded with a card", "is {asp} {adj} after a software update"],
        "good": ["the battery still had half its charge after two days", "it survived a fall onto concrete",
                 "the update fixed every glitch I had", "it unlocks the moment I pick it up"],
        "bad": ["the phone froze in the middle of a call again", "another update that drains the battery",
                "the screen cracked in my pocket", "it restarts itself every night",
                "the camera app crashed during my daughter's recital", "it died at forty percent"],
    },
    "film": {
        "things": ["this movie", "the film", "this sequel", "the documentary", "The {title} {title2}"],
        "aspects": ["the plot|s|gripping,clever,original,tight|predictable,muddled,silly,thin",
                    "the acting|s|convincing,moving,nuanced,powerful|wooden,hammy,stiff,flat",
                    "the soundtrack|s|haunting,stirring,beautiful,memorable|intrusive,forgettable,grating,cheesy",
                    "the special effects|p|dazzling,seamless,spectacular,convincing|cheap,cartoonish,dated,clumsy",
                    "the ending|s|satisfying,moving,surprising,perfect|rushed,abrupt,baffling,lazy",
                    "the dialogue|s|witty,sharp,natural,funny|clunky,cringeworthy,stilted,corny",
                    "the cinematography|s|gorgeous,striking,stunning,elegant|murky,shaky,dull,ugly",
                    "the lead actor|s|magnetic,superb,charismatic,brilliant|bland,miscast,wooden,unconvincing",
                    "the pacing|s|brisk,tight,assured,measured|sluggish,plodding,uneven,erratic",
                    "the villain|s|menacing,chilling,memorable,complex|cartoonish,silly,forgettable,flat",
                    "the costumes|p|sumptuous,lavish,authentic,exquisite|tacky,anachronistic,shabby,garish",
                    "the screenplay|s|taut,witty,layered,ambitious|muddled,incoherent,clumsy,derivative"],
        "facts": ["the film is about two hours long", "I saw it at the cinema on {day}",
                  "it is based on a novel", "the director also wrote the script", "it was released last {month}",
                  "we watched it with subtitles", "it was shot in {city}", "the film is in black and white",
                  "it won a prize at a festival last year", "there is a scene after the credits",
                  "I watched it with {person}", "it is the third film in the series"],
        "questions": ["is {asp} {adj} enough for children", "is the film still showing in {city}",
                      "do I need to see the first film before this one", "is the director's cut longer"],
        "good": ["the whole audience clapped at the end", "I have watched it three times since {day}",
                 "it kept {person} awake talking about it", "the twist caught everyone by surprise"],
        "bad": ["another two hours of my life gone", "I fell asleep halfway through",
                "half the audience walked out", "the projector failed twice during the film",
                "the sound was out of sync for an hour", "we left before the ending"],
    },
    "book": {
        "things": ["this book", "the novel", "this biography", "the memoir", "The {title} {title2}"],
        "aspects": ["the story|s|gripping,moving,absorbing,original|tedious,predictable,silly,confusing",
                    "the characters|p|vivid,believable,memorable,complex|flat,unlikeable,shallow,cardboard",
                    "the writing|s|elegant,lyrical,crisp,vivid|clumsy,overwritten,flat,pretentious",
                    "the ending|s|satisfying,poignant,perfect,clever|rushed,abrupt,unsatisfying,lazy",
                    "the first chapters|p|gripping,absorbing,promising,tense|slow,tedious,dull,confusing",
                    "the translation|s|fluent,faithful,graceful,careful|awkward,stilted,sloppy,clumsy",
                    "the research|s|meticulous,thorough,careful,rigorous|shallow,sloppy,careless,thin",
                    "the narrator|s|witty,warm,engaging,honest|smug,whiny,tiresome,grating",
                    "the illustrations|p|charming,beautiful,detailed,whimsical|crude,ugly,blurry,cheap",
                    "the dialogue|s|natural,sparkling,witty,believable|stilted,wooden,clunky,corny",
                    "the plot twists|p|ingenious,audacious,satisfying|contrived,telegraphed,absurd,implausible",
                    "the world-building|s|immersive,intricate,rich,textured|sketchy,derivative,threadbare,incoherent"],
        "facts": ["the book has about three hundred pages", "I read it on holiday in {city}",
                  "it is the second part of a trilogy", "the author lives in {city}",
                  "I borrowed it from the library", "it was published in paperback in {month}",
                  "{person} gave it to me for my birthday", "it has twenty-four chapters",
                  "the audiobook is read by the author", "it was first published in Norwegian",
                  "I read it for a book club that meets on {day}", "the sequel comes out next year"],
        "questions": ["is {asp} {adj} in the audiobook too", "is there a sequel planned",
                      "should I read the first book before this one", "is the hardback edition illustrated"],
        "good": ["I read it in one sitting", "I stayed up until two to finish it",
                 "I have already bought copies for {person} and {name}", "it made me cry on the train"],
        "bad": ["I gave up after fifty pages", "another six hundred pages of nothing happening",
                "half the pages were printed upside down", "the spine fell apart after one read",
                "I skipped whole chapters to get to the end", "the last chapter was missing from my copy"],
    },
    "app": {
        "things": ["this app", "the application", "the new version of the app", "the {title} app", "this tool"],
        "aspects": ["the interface|s|clean,intuitive,slick,tidy|cluttered,confusing,ugly,clunky",
                    "the notifications|p|useful,timely,discreet,helpful|spammy,constant,pointless,intrusive",
                    "the updates|p|frequent,thoughtful,useful,smooth|buggy,pointless,disruptive,clumsy",
                    "the sync feature|s|seamless,reliable,fast,flawless|flaky,broken,slow,unreliable",
                    "the search|s|fast,accurate,smart,handy|useless,sluggish,broken,inaccurate",
                    "the settings menu|s|logical,clear,simple,tidy|confusing,buried,messy,baffling",
                    "the dark mode|s|easy on the eyes,elegant,gentle,smart|garish,broken,patchy,ugly",
                    "the subscription price|s|fair,reasonable,modest,sensible|steep,greedy,outrageous,excessive",
                    "the offline mode|s|dependable,handy,reliable,robust|useless,broken,flaky,limited",
                    "the onboarding|s|smooth,friendly,quick,clear|tedious,confusing,pushy,endless",
                    "the widgets|p|handy,customisable,elegant,informative|clunky,useless,ugly,glitchy",
                    "the privacy settings|p|transparent,granular,respectful,clear|invasive,murky,deceptive,buried"],
        "facts": ["the app is free to download", "I use it on my tablet", "the update came out last {month}",
                  "it needs an account to log in", "it is available in six languages",
                  "I installed it on {day}", "it takes about eighty megabytes",
                  "the company behind it is based in {city}", "it works on phones and tablets",
                  "there is a paid version with more storage", "I use it to track my running",
                  "the developers post release notes every month"],
        "questions": ["is {asp} {adj} on older phones", "does the app work without an internet connection",
                      "can I export my data to a spreadsheet", "is {asp} {adj} in the free version"],
        "good": ["it found my lost files in seconds", "support fixed my account within an hour",
                 "it synced everything to my new phone on the first try", "it saved me hours at work on {day}"],
        "bad": ["another update that logs me out every day", "the app crashed again while saving",
                "it deleted my notes from last {month}", "it charged me twice for the subscription",
                "it drained my battery overnight", "the login screen froze for the fifth time today"],
    },
    "delivery": {
        "things": ["this delivery service", "the courier company", "the shipping", "{title} Express", "the carrier"],
        "aspects": ["the driver|s|polite,careful,punctual,friendly|rude,careless,late,reckless",
                    "the packaging|s|sturdy,neat,secure,careful|flimsy,torn,soggy,crushed",
                    "the tracking|s|accurate,precise,clear,detailed|useless,inaccurate,vague,confusing",
                    "the delivery times|p|fast,reliable,predictable,quick|unreliable,slow,erratic,endless",
                    "the customer support|s|helpful,responsive,patient,kind|useless,unreachable,rude,slow",
                    "the updates|p|timely,clear,accurate,regular|vague,misleading,late,contradictory",
                    "the returns process|s|simple,painless,quick,smooth|painful,convoluted,slow,confusing",
                    "the pickup point|s|convenient,handy,close,organised|chaotic,remote,disorganised,unreliable",
                    "the delivery fee|s|fair,modest,low,reasonable|steep,hidden,inflated,unjustified",
                    "the delivery slots|p|flexible,plentiful,precise,convenient|vague,rigid,scarce,meaningless"],
        "facts": ["the package arrived on {day}", "it was delivered to my neighbour",
                  "I ordered it on {day}", "the parcel weighed about two kilos",
                  "the courier came in the afternoon", "delivery took {num} days",
                  "the parcel was sent from {city}", "I paid for standard delivery",
                  "the driver rang the bell at ten", "the box was left at the pickup point on {street}",
                  "the tracking number came by email", "I had to sign for the package"],
        "questions": ["is {asp} {adj} around the holidays", "do they deliver on Sundays",
                      "can I change the delivery address after ordering", "is {asp} {adj} for large parcels"],
        "good": ["the parcel arrived a day early", "the driver carried the boxes up four floors",
                 "they replaced the missing item the next morning", "it arrived the same day I ordered"],
        "bad": ["the parcel arrived a week late", "another missed delivery while I was at home all day",
                "they left the box in the rain", "the package went to {city} instead",
                "the driver threw the parcel over the fence", "they lost my parcel for the second time"],
    },
    "course": {
        "things": ["this course", "the online course", "the workshop", "the evening class", "the bootcamp"],
        "aspects": ["the instructor|s|knowledgeable,patient,inspiring|boring,condescending,disorganised,unprepared",
                    "the exercises|p|challenging,useful,practical,relevant|pointless,trivial,confusing,tedious",
                    "the videos|p|clear,concise,well-made,engaging|rambling,blurry,tedious,outdated",
                    "the slides|p|clear,tidy,helpful,readable|cluttered,outdated,unreadable,sloppy",
                    "the pace|s|comfortable,steady,brisk,sensible|rushed,sluggish,erratic,punishing",
                    "the final project|s|rewarding,practical,realistic,stimulating|pointless,vague,tedious,rushed",
                    "the feedback|p|detailed,constructive,thoughtful,fast|vague,curt,late,useless",
                    "the forum|s|lively,supportive,friendly,helpful|dead,toxic,chaotic,unmoderated",
                    "the reading list|s|thoughtful,relevant,inspiring,broad|dated,narrow,irrelevant,bloated",
                    "the certificate|s|valuable,respected,useful,official|worthless,meaningless,pointless,overpriced",
                    "the quizzes|p|stimulating,fair,revealing,handy|trivial,ambiguous,tricky,nitpicky",
                    "the mentoring sessions|p|insightful,encouraging,candid|perfunctory,patronising,aimless,sporadic"],
        "facts": ["the course lasts {num} weeks", "there are two lessons every week",
                  "I took it in the evenings", "it ends with a short exam", "the lessons are recorded",
                  "it is taught in English", "the class meets on {day} at six",
                  "about thirty people signed up", "the instructor teaches at a college in {city}",
                  "the course started in {month}", "each lesson lasts ninety minutes",
                  "I enrolled with {person}"],
        "questions": ["is {asp} {adj} for complete beginners", "does the course cover spreadsheets",
                      "can I join halfway through", "is {asp} {adj} in the advanced level too"],
        "good": ["I got a job offer thanks to the final project", "I passed the exam on the first attempt",
                 "the instructor answered my email within an hour", "I use what I learned every day at work"],
        "bad": ["another lesson cancelled an hour before it started",
                "the instructor read the slides aloud for two hours",
                "the exam questions covered topics we never saw", "they lost my final project",
                "the video links broke again", "nobody graded my assignments for six weeks"],
    },
    "laptop": {
        "things": ["this laptop", "the notebook computer", "the {title} Pro", "this ultrabook", "the machine"],
        "aspects": ["the keyboard|s|comfortable,crisp,quiet,springy|mushy,cramped,noisy,wobbly",
                    "the trackpad|s|smooth,precise,large,responsive|jumpy,tiny,erratic,sticky",
                    "the fan|s|quiet,silent,discreet,efficient|loud,whiny,noisy,rattly",
                    "the display|s|sharp,bright,vivid,crisp|dim,glossy,washed-out,grainy",
                    "the hinge|s|sturdy,smooth,solid,firm|wobbly,stiff,loose,squeaky",
                    "the battery life|s|excellent,superb,generous,dependable|feeble,pitiful,short,poor",
                    "the webcam|s|sharp,clear,decent,bright|grainy,blurry,murky,dreadful",
                    "the ports|p|plentiful,handy,versatile,useful|scarce,loose,awkward,inconvenient",
                    "the speakers|p|rich,loud,clear,full|tinny,thin,muffled,quiet",
                    "the aluminium chassis|s|sleek,rigid,elegant,premium|dent-prone,sharp-edged,flexy,scratch-prone"],
        "facts": ["it has sixteen gigabytes of memory", "I bought it for university in {month}",
                  "it weighs just over a kilo", "it came with the operating system installed",
                  "I use it for spreadsheets and email", "the charger plugs in on the left",
                  "it has two USB ports", "I ordered the grey version", "I mostly use it at my desk",
                  "it replaced a seven-year-old laptop", "the screen folds back flat", "it arrived on {day}"],
        "questions": ["is {asp} {adj} for gaming", "can the memory be upgraded later",
                      "does it come with a backlit keyboard", "is {asp} {adj} on battery power"],
        "good": ["it boots in under ten seconds", "it ran a whole day of meetings on one charge",
                 "it handled video editing without a hiccup", "it survived a coffee spill"],
        "bad": ["the screen went black again during a presentation", "another blue screen in the middle of an exam",
                "the fan started screaming after a week", "two keys fell off in the first month",
                "it overheats every time I open a browser", "it would not turn on after the update"],
    },
    "gym": {
        "things": ["this gym", "the fitness centre", "the leisure club", "the {title} Gym", "the studio"],
        "aspects": ["the equipment|s|modern,well-kept,plentiful,varied|broken,outdated,scarce,filthy",
                    "the trainers|p|motivating,knowledgeable,encouraging,attentive|pushy,absent,clueless,dismissive",
                    "the changing rooms|p|clean,spacious,tidy,fresh|dirty,smelly,cramped,grimy",
                    "the classes|p|energising,varied,fun,challenging|overcrowded,repetitive,boring,chaotic",
                    "the showers|p|hot,powerful,clean,modern|cold,feeble,mouldy,broken",
                    "the opening hours|p|generous,flexible,convenient,long|limited,inconvenient,erratic,short",
                    "the membership fee|s|fair,affordable,reasonable,modest|steep,outrageous,inflated,excessive",
                    "the yoga teacher|s|calm,patient,inspiring,gentle|impatient,distracted,bored,careless",
                    "the atmosphere|s|friendly,welcoming,relaxed,upbeat|intimidating,cliquey,tense,unfriendly",
                    "the sauna|s|toasty,spotless,soothing,roomy|tepid,grimy,cramped,smelly"],
        "facts": ["I joined in {month}", "the gym opens at six in the morning",
                  "there are two floors of machines", "I go on {day} and Thursday evenings",
                  "the gym is above a supermarket on {street}", "the membership includes the pool",
                  "there is a spin class at seven", "I signed up with {person}",
                  "lockers cost one euro", "it has a small car park", "the gym closes at ten",
                  "the contract runs for twelve months"],
        "questions": ["is {asp} {adj} at peak times", "does the membership include classes",
                      "can I freeze my membership over the summer", "is the gym open on bank holidays"],
        "good": ["a trainer wrote me a plan for free", "I lost six kilos since {month}",
                 "they refunded a month when I broke my arm", "there was never a queue for the machines"],
        "bad": ["another month of the treadmills being out of order", "they charged me after I cancelled",
                "someone stole my bag from a locked locker", "the class was cancelled again after I arrived",
                "the hot water ran out at seven", "they raised the fee without telling anyone"],
    },
    "airline": {
        "things": ["this airline", "the flight", "the carrier", "{title} Air", "the budget airline"],
        "aspects": ["the crew|s|friendly,professional,attentive,cheerful|rude,grumpy,unhelpful,dismissive",
                    "the seats|p|comfortable,roomy,wide,clean|cramped,narrow,filthy,broken",
                    "the legroom|s|generous,ample,decent,roomy|pitiful,non-existent,miserable,tight",
                    "the boarding|s|orderly,quick,smooth,efficient|chaotic,slow,disorganised,stressful",
                    "the meals|p|tasty,hot,fresh,filling|inedible,cold,stale,bland",
                    "the baggage allowance|s|generous,fair,reasonable,clear|stingy,confusing,tight,unfair",
                    "the check-in|s|smooth,quick,painless,simple|chaotic,slow,confusing,painful",
                    "the entertainment system|s|varied,modern,responsive,excellent|broken,ancient,laggy,limited",
                    "the refund process|s|quick,fair,simple,painless|endless,opaque,slow,hopeless",
                    "the lounge|s|tranquil,luxurious,spacious,well-stocked|overcrowded,shabby,noisy,bare"],
        "facts": ["the flight to {city} takes three hours", "we flew out on {day} morning",
                  "the plane had two seats on each side", "I booked the tickets in {month}",
                  "we landed at the second terminal", "the flight had a stop in {city}",
                  "I travelled with {person}", "the ticket included one checked bag",
                  "boarding started forty minutes before departure", "the return flight left at six",
                  "we sat in row twelve", "the flight number was printed on the boarding pass"],
        "questions": ["is {asp} {adj} on the long-haul flights", "do they allow pets in the cabin",
                      "can I change the name on a ticket", "is {asp} {adj} in economy"],
        "good": ["we landed twenty minutes early", "the crew moved us to an empty row",
                 "they rebooked us on the next flight within minutes", "my bag was first off the belt"],
        "bad": ["another three-hour delay with no explanation", "they lost my suitcase again",
                "the flight was cancelled at the gate", "we sat on the runway for two hours",
                "they charged forty euros for a small backpack", "my seat would not recline for the whole flight"],
    },
    "salon": {
        "things": ["this salon", "the hairdresser", "the barber shop", "the {title} Salon", "the spa"],
        "aspects": ["the haircut|s|sharp,flattering,neat,stylish|uneven,lopsided,botched,crooked",
                    "the stylist|s|talented,skilled,careful,attentive|careless,rushed,distracted,rough",
                    "the colour|s|gorgeous,rich,natural,even|patchy,brassy,streaky,uneven",
                    "the massage|s|relaxing,soothing,heavenly,skilled|rough,painful,rushed,clumsy",
                    "the waiting area|s|comfortable,calm,tidy,bright|cramped,messy,dingy,chaotic",
                    "the booking system|s|simple,reliable,handy,quick|confusing,broken,clunky,unreliable",
                    "the prices|p|fair,reasonable,honest,modest|steep,outrageous,inflated,absurd",
                    "the products|p|luxurious,gentle,fragrant,effective|harsh,cheap,greasy,sticky",
                    "the manicure|s|flawless,neat,durable,glossy|chipped,smudged,patchy,clumsy"],
        "facts": ["my appointment was on {day} at eleven", "the salon is next to the bakery on {street}",
                  "I asked for a trim and a wash", "the salon has four chairs",
                  "I booked online a week ahead", "they open late on Thursdays",
                  "the cut took about forty minutes", "I went with {person}",
                  "they also do beard trims", "payment is by card only", "I have been going there since {month}",
                  "the owner trained in {city}"],
        "questions": ["is {asp} {adj} for curly hair", "do they take walk-ins on {day}",
                      "can I bring my own products", "is {asp} {adj} for short hair"],
        "good": ["three people asked where I had my hair done", "they fitted me in ten minutes before closing",
                 "the stylist fixed a cut another salon ruined", "they gave me a free treatment on my birthday"],
        "bad": ["another appointment where they kept me waiting an hour", "they cut off far more than I asked",
                "the dye stained my ears for a week", "they double-booked my slot again",
                "my scalp burned for two days", "they charged me for a treatment I never had"],
    },
    "museum": {
        "things": ["this museum", "the gallery", "the exhibition", "the {title} Museum", "the science centre"],
        "aspects": ["the exhibits|p|fascinating,rare,stunning,captivating|dusty,sparse,dull,tired",
                    "the audio guide|s|informative,engaging,clear,witty|monotonous,muffled,confusing,dull",
                    "the curation|s|thoughtful,intelligent,clever,coherent|chaotic,lazy,muddled,careless",
                    "the cafe|s|charming,cosy,affordable,tasty|overpriced,grubby,crowded,dismal",
                    "the gift shop|s|charming,original,tempting,quirky|tacky,overpriced,cheap,dreary",
                    "the signage|s|clear,helpful,bilingual,tidy|confusing,missing,tiny,misleading",
                    "the lighting|s|subtle,dramatic,gentle,careful|harsh,dim,glaring,gloomy",
                    "the children's area|s|playful,interactive,imaginative,engaging|broken,grubby,chaotic,boring",
                    "the tour guide|s|passionate,funny,knowledgeable,lively|monotone,bored,clueless,rude",
                    "the dinosaur skeletons|p|awe-inspiring,majestic,towering|shabby,underwhelming,poorly-lit"],
        "facts": ["the museum opens at ten", "entry is free on the first {day} of the month",
                  "we spent two hours there", "the exhibition runs until {month}",
                  "the building used to be a railway station", "there are three floors of galleries",
                  "photography is allowed without flash", "we went with {person}",
                  "the museum is next to the river in {city}", "tickets can be booked online",
                  "there is a cloakroom by the entrance", "the collection has about four thousand objects"],
        "questions": ["is {asp} {adj} for teenagers", "are there lockers for backpacks",
                      "is the museum accessible by wheelchair", "is {asp} {adj} in English"],
        "good": ["my kids begged to stay another hour", "a curator spent twenty minutes answering our questions",
                 "we got in free with the city card", "I came back the next day to see the rest"],
        "bad": ["another hour queueing outside in the rain", "half the rooms were closed without notice",
                "a guard shouted at my son for pointing", "they sold us tickets for a closed exhibition",
                "the lifts were out of service again", "the audio guide died after ten minutes"],
    },
    "game": {
        "things": ["this game", "the video game", "the expansion", "{title} {title2}", "the remaster"],
        "aspects": ["the graphics|p|gorgeous,stunning,crisp,detailed|muddy,dated,blurry,ugly",
                    "the controls|p|responsive,tight,intuitive,precise|clunky,floaty,sluggish,awkward",
                    "the story|s|gripping,emotional,clever,epic|forgettable,thin,silly,incoherent",
                    "the multiplayer|s|addictive,balanced,smooth,chaotic fun|unbalanced,laggy,toxic,broken",
                    "the level design|s|inventive,clever,varied,ingenious|repetitive,cramped,lazy,confusing",
                    "the music|s|atmospheric,catchy,haunting,epic|repetitive,grating,bland,forgettable",
                    "the boss fights|p|thrilling,challenging,memorable,epic|cheap,tedious,unfair,frustrating",
                    "the loading times|p|short,snappy,brief,quick|endless,long,painful,sluggish",
                    "the microtransactions|p|optional,fair,harmless,cosmetic|greedy,predatory,constant,shameless",
                    "the open world|s|vast,breathtaking,lively,immersive|empty,barren,lifeless,tedious",
                    "the voice acting|s|superb,heartfelt,nuanced,convincing|robotic,overacted,flat,grating"],
        "facts": ["the game takes about thirty hours to finish", "I played it on a console",
                  "it came out in {month}", "the studio is based in {city}",
                  "there are {num} chapters", "I finished it over a long weekend",
                  "it has a two-player mode", "the download is about sixty gigabytes",
                  "I played it with {person}", "it is the fourth game in the series",
                  "there is a photo mode", "the expansion adds a new region"],
        "questions": ["is {asp} {adj} on the handheld version", "does it have a co-op mode",
                      "can I play it without the first game", "is {asp} {adj} on the hardest difficulty"],
        "good": ["I played until four in the morning", "the latest patch fixed every crash I had",
                 "I finished it and started again right away", "my whole family plays it together on {day}"],
        "bad": ["the game crashed again right before a save point", "another patch that breaks my saves",
                "I lost twenty hours of progress", "the servers went down on launch day",
                "it froze during the final boss", "they locked the ending behind another purchase"],
    },
    "bakery": {
        "things": ["this bakery", "the patisserie", "the coffee shop", "the {title} Bakehouse", "the cafe on {street}"],
        "aspects": ["the croissants|p|flaky,buttery,fresh,light|soggy,stale,greasy,dense",
                    "the coffee|s|rich,smooth,strong,aromatic|bitter,watery,burnt,lukewarm",
                    "the cakes|p|moist,decadent,delicious,gorgeous|dry,sickly,stale,crumbly",
                    "the bread|s|crusty,fresh,chewy,fragrant|stale,doughy,hard,burnt",
                    "the baristas|p|cheerful,friendly,quick,skilled|grumpy,slow,rude,careless",
                    "the seating|s|cosy,comfortable,spacious,sunny|cramped,wobbly,sticky,uncomfortable",
                    "the cinnamon buns|p|gooey,warm,fragrant,heavenly|dry,sugary,stale,doughy",
                    "the queue|s|short,orderly,quick,manageable|endless,chaotic,slow,painful",
                    "the almond tart|s|fragrant,buttery,delicate,luscious|leaden,soggy,bland,cloying",
                    "the hot chocolate|s|velvety,indulgent,rich,luscious|watery,lukewarm,powdery,thin"],
        "facts": ["the bakery opens at seven", "they bake bread twice a day",
                  "it is on the corner of {street}", "I stopped there on {day} morning",
                  "they sell sourdough and rye", "there are six tables inside",
                  "the owner is from {city}", "they close on Mondays", "I bought a loaf and two buns",
                  "they take cards and cash", "they started baking gluten-free bread in {month}",
                  "I went there with {person}"],
        "questions": ["is {asp} {adj} in the afternoon", "do they make birthday cakes to order",
                      "are the pastries made on site", "is {asp} {adj} on weekends"],
        "good": ["they saved me the last loaf", "the owner gave my son a free biscuit",
                 "my order was ready before I reached the counter", "they remembered my usual order"],
        "bad": ["another forty minutes in the queue", "they sold out of bread by nine again",
                "my cake had a fly baked into it", "they gave me someone else's order twice",
                "the coffee machine was broken for the third day", "they charged five euros for a tiny croissant"],
    },
    "concert": {
        "things": ["this concert", "the gig", "the festival", "the {title} Tour", "the recital"],
        "aspects": ["the band|s|tight,electrifying,energetic,polished|sloppy,lifeless,lazy,out of tune",
                    "the sound mix|s|crisp,balanced,powerful,clear|muddy,distorted,deafening,boomy",
                    "the setlist|s|generous,thrilling,well-chosen,varied|short,predictable,lazy,stingy",
                    "the venue|s|intimate,atmospheric,spacious,grand|sweaty,overcrowded,cavernous,shabby",
                    "the support act|s|charming,promising,exciting,lively|tedious,forgettable,grating,endless",
                    "the light show|s|mesmerising,spectacular,hypnotic,dazzling|blinding,tacky,distracting,feeble",
                    "the crowd|s|joyful,respectful,friendly,buzzing|rowdy,aggressive,obnoxious,drunken",
                    "the ticket prices|p|fair,modest,reasonable,honest|extortionate,steep,inflated,absurd",
                    "the encore|s|euphoric,generous,glorious,unforgettable|perfunctory,brief,lazy,half-hearted"],
        "facts": ["the doors opened at seven", "the concert lasted about two hours",
                  "the band played {num} songs from the new album", "the venue holds about two thousand people",
                  "we bought the tickets in {month}", "it was the last night of the tour in {city}",
                  "the support act started at eight", "I went with {person}", "the gig was on a {day}",
                  "there was a cloakroom at the entrance", "the festival runs for three days",
                  "the orchestra played Brahms and Dvorak"],
        "questions": ["is {asp} {adj} from the balcony", "are there seats or is it standing only",
                      "does the festival allow camping", "is {asp} {adj} at the outdoor shows"],
        "good": ["the singer pulled {person} on stage", "they played for three hours straight",
                 "the whole hall sang the last chorus together", "they added a second encore"],
        "bad": ["another forty minutes of tuning between songs", "the headliner cancelled an hour before",
                "security confiscated my umbrella and lost it", "we queued ninety minutes to get in",
                "the power cut out during the second song", "someone spilled beer over my coat"],
    },
    "clinic": {
        "things": ["this dental practice", "the clinic", "the surgery", "the physiotherapist", "the {title} Clinic"],
        "aspects": ["the dentist|s|gentle,reassuring,thorough,skilled|rough,impatient,careless,brusque",
                    "the receptionist|s|kind,efficient,welcoming,organised|curt,disorganised,rude,flustered",
                    "the waiting room|s|calm,clean,bright,quiet|cramped,grubby,chaotic,stuffy",
                    "the treatment|s|painless,effective,quick,careful|painful,botched,rushed,pointless",
                    "the explanations|p|clear,patient,honest,thorough|vague,confusing,rushed,evasive",
                    "the appointment system|s|flexible,simple,reliable,prompt|rigid,chaotic,unreliable,clumsy",
                    "the fees|p|fair,transparent,modest,reasonable|steep,hidden,outrageous,inflated",
                    "the hygienist|s|gentle,meticulous,friendly,careful|heavy-handed,rough,hasty,careless"],
        "facts": ["the clinic opens at eight", "my appointment was at half past nine on {day}",
                  "the practice has {num} treatment rooms", "I registered there in {month}",
                  "the clinic is on the first floor above a pharmacy", "the check-up took twenty minutes",
                  "I was referred by my doctor", "they send a reminder by text the day before",
                  "the clinic moved to {street} last year", "I went in for a filling",
                  "{person} has been a patient there for years", "they take insurance from most companies"],
        "questions": ["is {asp} {adj} with nervous patients", "do they offer evening appointments",
                      "can I book online or only by phone", "is {asp} {adj} for children"],
        "good": ["they fitted me in the same morning I called", "I felt nothing during the filling",
                 "the pain was gone after one session", "the dentist phoned the next day to check on me"],
        "bad": ["another hour in the waiting room past my appointment time", "they cancelled my appointment again",
                "I left with a chipped tooth", "they billed me for an X-ray I never had",
                "my jaw ached for a week", "they lost my records and started from scratch"],
    },
    "car rental": {
        "things": ["this car rental company", "the rental agency", "the car hire desk", "{title} Rentals",
                   "the van hire"],
        "aspects": ["the car|s|spotless,reliable,nippy,comfortable|filthy,battered,unreliable,smelly",
                    "the pickup desk|s|efficient,speedy,welcoming,organised|chaotic,understaffed,slow,unfriendly",
                    "the insurance terms|p|clear,fair,simple,transparent|baffling,predatory,opaque,sneaky",
                    "the agent|s|honest,helpful,patient,courteous|pushy,dishonest,rude,dismissive",
                    "the fuel policy|s|fair,simple,honest,clear|sneaky,unfair,confusing,greedy",
                    "the satnav|s|accurate,handy,reliable,up-to-date|outdated,useless,confusing,broken",
                    "the deposit|s|modest,fair,small,reasonable|enormous,steep,excessive,outrageous",
                    "the return process|s|quick,painless,smooth,easy|slow,confrontational,painful,chaotic"],
        "facts": ["we rented a small car for {num} days", "the desk is at the airport arrivals hall",
                  "we picked the car up in {city}", "the rental included unlimited mileage",
                  "we returned the car on {day} morning", "it was a grey estate with a manual gearbox",
                  "we booked it online in {month}", "the car had about twenty thousand kilometres on it",
                  "{person} was the second driver", "the shuttle bus runs every fifteen minutes",
                  "a child seat costs extra", "the office closes at eleven at night"],
        "questions": ["is {asp} {adj} for one-way rentals", "do they allow drivers under twenty-five",
                      "can I return the car at a different branch", "is {asp} {adj} in winter"],
        "good": ["they upgraded us to a convertible for free", "the whole return took two minutes",
                 "they refunded the deposit the same day",
                 "a mechanic came out within half an hour when we got a flat"],
        "bad": ["another two hours at the desk waiting for keys",
                "they charged us for a scratch that was already there",
                "the car broke down on the motorway", "they kept our deposit for six weeks",
                "the tank was half empty when we picked it up", "they gave our car to someone who arrived later"],
    },
    "headphones": {
        "things": ["these headphones", "the earbuds", "this headset", "the {title} Buds", "the speaker"],
        "aspects": ["the sound|s|rich,detailed,warm,balanced|tinny,muddy,harsh,flat",
                    "the noise cancelling|s|effective,impressive,superb,remarkable|weak,useless,feeble,patchy",
                    "the bass|s|deep,punchy,tight,thumping|boomy,weak,bloated,thin",
                    "the ear cushions|p|plush,soft,comfortable,breathable|stiff,sweaty,scratchy,cheap",
                    "the microphone|s|clear,crisp,reliable,decent|muffled,crackly,faint,useless",
                    "the bluetooth connection|s|stable,rock-solid,reliable,quick|flaky,patchy,unstable,jittery",
                    "the carrying case|s|sturdy,compact,handy,elegant|flimsy,bulky,cheap,awkward",
                    "the touch controls|p|intuitive,responsive,handy,precise|fiddly,erratic,oversensitive,confusing"],
        "facts": ["they come with a cable and a case", "I bought them in {month}",
                  "they fold flat for travel", "the battery lasts about thirty hours",
                  "I use them on the train to {city}", "they come in black and silver",
                  "they pair with two devices at once", "the box includes three sizes of ear tips",
                  "I ordered them after {person} recommended them", "they charge over USB-C in two hours",
                  "I mostly listen to podcasts", "they weigh about two hundred and fifty grams"],
        "questions": ["is {asp} {adj} on planes", "do they work with a laptop",
                      "can I use them while they charge", "is {asp} {adj} for running"],
        "good": ["I forgot I was wearing them on a twelve-hour flight", "they still work after a year of daily use",
                 "they survived a trip through the washing machine",
                 "I heard details in old records I had never noticed"],
        "bad": ["the left earbud died again", "another week of the connection dropping every ten minutes",
                "the headband snapped after a month", "they fell out every time I ran",
                "the case stopped charging after two weeks", "they gave me a headache within an hour"],
    },
}
for _dom in DOMAINS.values():  # every domain can name its place or product, e.g. "the Amber Harbour"
    if not any("{title2}" in t for t in _dom["things"]):
        _dom["things"].append("the {title} {title2}")
DOMAIN_NAMES = sorted(DOMAINS)
# Neutral lead-ins for any text (time, occasion, circumstance): words in every class
OCCASIONS = ["On our anniversary", "After a long shift at the hospital", "During the heatwave",
             "On a rainy Tuesday", "For my daughter's graduation", "Over the Easter holidays",
             "On a business trip", "After the marathon", "During the school holidays", "On my lunch break",
             "For a retirement party", "After my grandmother's funeral", "On the first snowy day of winter",
             "During a layover", "For a colleague's farewell", "After the move", "On a whim",
             "For our book club", "During the carnival", "On the night of the storm", "After a job interview",
             "On a bank holiday weekend", "For a christening", "During the football final",
             "On a sweltering afternoon", "After midnight", "On a chilly autumn evening", "For a hen party",
             "During ramadan", "On a foggy morning", "After the harvest festival", "For a stag weekend",
             "During the elections", "On a spring break", "After a hospital visit", "For my parents' ruby wedding",
             "During a power cut", "On a school trip", "After a hiking trip", "On a blind date",
             "For a housewarming", "During the lockdown", "On a pilgrimage", "After the conference",
             "On a cycling tour", "For a baby shower", "During the sales", "On our honeymoon",
             "After a triathlon", "On a freezing January night", "For an office outing", "During a heavy snowfall",
             "On the way to a christening", "After a picnic", "For a quiz night", "During a strike",
             "On a gloomy Sunday", "After volunteering at the shelter", "For a fortieth birthday",
             "During the tulip season", "On a foraging weekend", "After a rehearsal", "For a reunion",
             "On a scorching bank holiday", "During the regatta", "After a dentist appointment",
             "For my nephew's bar mitzvah", "On a drizzly Thursday", "During the jazz festival",
             "After a night shift at the bakery", "For a charity auction", "On a sleepless night",
             "During the rugby season", "After the school play", "For my niece's christening",
             "On a windswept Saturday", "During the Christmas market", "After a long commute",
             "For a surprise party", "On a lazy Sunday", "During the village fete", "After a chemistry exam",
             "For a wedding rehearsal", "On a muggy evening", "During the plumbing disaster at home",
             "After a sailing lesson", "For a silver jubilee", "On the eve of Diwali", "During a thunderstorm",
             "After a night at the opera", "For a leaving do", "On a crisp frosty morning",
             "During the half-term break", "After an orchestra rehearsal", "For an engagement dinner",
             "On a humid July evening", "During the pottery course", "After the parent-teacher meeting",
             "For Thanksgiving", "On the solstice", "During a gardening weekend", "After a yoga retreat",
             "After a chess tournament", "During the orchard's blossom week", "For a graduation picnic",
             "On a misty lakeside morning", "After scuba lessons", "During a bridge club outing",
             "For my godson's confirmation", "On a blustery November afternoon", "After a karaoke night",
             "During the skiing trip", "For a vintage car rally", "On an overcast Wednesday",
             "After a flea market", "During the kite festival", "For a poetry reading", "On a stifling August day",
             "After an archery class", "During the cider harvest", "For an astronomy evening",
             "On a bitterly cold morning", "After a rowing regatta", "During a canal cruise",
             "For a salsa workshop", "On a cloudless afternoon", "After a pub quiz", "During the Hanukkah week",
             "For a mountaineering club dinner", "On a slushy February evening", "After a wildlife safari",
             "During the orienteering weekend", "For a knitting circle", "On the anniversary of my adoption",
             "After a ceramics fair", "During an eclipse", "For a farewell brunch", "On a balmy June night"]
# Neutral context sentences that fit any domain (used alone, before facts, and as lead-ins)
CONTEXT = ["I went with {person} on {day}", "we drove over from {city} on a {day} in {month}",
           "{name} told me about it last {month}", "I first heard about it from {name} and {name}",
           "we were in {city} for a wedding in {month}", "{person} and I had a free afternoon on {day}",
           "I tried it on the way back from {city}", "{name}, a friend from {city}, suggested it",
           "we spent a long weekend in {city} in {month}", "I was visiting {person} in {city}",
           "it was my first week living on {street}", "{person} booked it as a surprise for {name}",
           "I went back on {day} with {name}", "this was during a business trip to {city}",
           "{name} and {name} came along too", "we found it while walking down {street} in {city}",
           "I saw an advert for it at the bus stop on {street}", "{name} from my choir had recommended it",
           "we had a spare evening before flying home to {city}", "my cousin {name} works nearby",
           "I was killing time before a meeting in {city}", "it was the only option left in {city} that {day}"]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _aspect(spec: str) -> tuple[str, bool, list[str], list[str]]:
    noun, number, pos, neg = spec.split("|")
    return noun, number == "p", pos.split(","), neg.split(",")


def _fill(rng: random.Random, template: str) -> str:
    """Fill the shared slots of a fact, question, thing or event."""
    out = template
    for slot, bank in (("{day}", DAYS), ("{month}", MONTHS), ("{num}", NUMS), ("{city}", CITIES),
                       ("{street}", STREETS), ("{person}", PEOPLE), ("{name}", NAMES),
                       ("{title}", TITLE_A), ("{title2}", TITLE_B)):
        while slot in out:
            out = out.replace(slot, rng.choice(bank), 1)
    return out


def _be(plural: bool, rng: random.Random) -> tuple[str, str]:
    """A form of 'to be' and its negation: past three times in four."""
    be = ("are" if plural else "is") if rng.random() < 0.25 else ("were" if plural else "was")
    return be, {"was": "wasn't", "were": "weren't", "is": "isn't", "are": "aren't"}[be]


def _adj(rng: random.Random, asp: tuple, polarity: str) -> str:
    """An evaluative word for the aspect: its own words six times in ten, else a generic one."""
    own = asp[2] if polarity == "positive" else asp[3]
    generic = POS_ADJ if polarity == "positive" else NEG_ADJ
    return rng.choice(own) if rng.random() < 0.6 else rng.choice(generic)


def opinion(rng: random.Random, polarity: str, domain: str, asp: tuple | None = None,
            allow_negation: bool = True) -> tuple[str, str]:
    """One clause (no final punctuation, lower-case start) carrying `polarity`; returns (clause, kind).

    kind: 'plain', 'hedged' or 'negated' (negation of the opposite polarity's words).
    """
    asp = asp or _aspect(rng.choice(DOMAINS[domain]["aspects"]))
    noun, plural = asp[0], asp[1]
    be, neg_be = _be(plural, rng)
    roll = rng.random()
    if allow_negation and roll < 0.18:  # negate a word of the other polarity: the label flips
        other = "negative" if polarity == "positive" else "positive"
        word = _adj(rng, asp, other)
        forms = [f"{noun} {neg_be} {rng.choice(NEG_GAP)}{word}",
                 f"{noun} {neg_be} {word} at all",
                 f"{noun} never felt {word}",
                 f"I can't say {noun} {be} {word}",
                 f"I wouldn't call {noun} {word}",
                 f"nobody could call {noun} {word}",
                 f"there was nothing {word} about {noun}",
                 f"{noun} {be} not {rng.choice(NEG_GAP)}{word}",
                 f"I never {rng.choice(['found', 'thought', 'considered'])} {noun} {word}"]
        return rng.choice(forms), "negated"
    if roll < 0.48:  # hedged: softer, same polarity
        word = _adj(rng, asp, polarity)
        if rng.random() < 0.5:
            return f"{noun} {be} {rng.choice(HEDGE_PRE)}{word}", "hedged"
        return f"{noun} {be} {word}{rng.choice(HEDGE_POST)}", "hedged"
    word = _adj(rng, asp, polarity)
    verb = POS_VERB if polarity == "positive" else NEG_VERB
    forms = [f"{noun} {be} {rng.choice(INTENS)}{word}", f"{noun} {be} {rng.choice(INTENS)}{word}",
             f"I {rng.choice(verb)} {noun}",
             f"{noun} {be} {word} and {_adj(rng, asp, polarity)}".replace(f"{word} and {word}", word),
             f"{noun} {'have' if plural else 'has'} always been {word}",
             f"I found {noun} {rng.choice(INTENS)}{word}"]
    return rng.choice(forms), "plain"


def two_aspects(rng: random.Random, domain: str) -> tuple[tuple, tuple]:
    a, b = rng.sample(DOMAINS[domain]["aspects"], 2)
    return _aspect(a), _aspect(b)


def event(rng: random.Random, polarity: str, domain: str) -> str:
    return _fill(rng, rng.choice(DOMAINS[domain]["good" if polarity == "positive" else "bad"]))


def fact(rng: random.Random, domain: str) -> str:
    return _fill(rng, rng.choice(DOMAINS[domain]["facts"]))


def thing(rng: random.Random, domain: str) -> str:
    return _fill(rng, rng.choice(DOMAINS[domain]["things"]))


def end_mark(rng: random.Random) -> str:
    return "!" if rng.random() < 0.15 else "."


# form -> weight, per label. The kinds are what datasheet_stats.py counts.
FORMS = {
    "positive": {"plain": 30, "pair": 12, "not_only": 2, "contrast": 13, "concessive": 8, "event": 6,
                 "cue_sincere": 5, "long": 16, "verdict": 8},
    "negative": {"plain": 28, "pair": 14, "not_only": 2, "contrast": 13, "concessive": 8, "event": 5,
                 "irony": 8, "long": 14, "verdict": 8},
    "neutral": {"fact": 25, "facts": 15, "context": 15, "occasion": 10, "question": 25, "plan": 10},
}
PLANS = ["I am going to try {thing} with {person} on {day}", "we are thinking about {thing} for {month}",
         "{person} recommended {thing}, so I will go on {day}", "I am comparing {thing} with two others",
         "I signed up for {thing} on {day}", "{name} and I are meeting to talk about {thing} on {day}",
         "I will write a longer review of {thing} after {month}", "this is my first time trying {thing}"]
QUESTION_FRAMES = ["{q}?", "Quick question: {q}?", "Does anyone know: {q}?", "{q}? Asking for {person}.",
                   "Before I book, {q}?", "{name} here: {q}?"]


def sentiment_text(rng: random.Random, label: str) -> str:
    """One text built for `label` following the rules in the module docstring."""
    domain = rng.choice(DOMAIN_NAMES)
    dom = DOMAINS[domain]
    form = rng.choices(list(FORMS[label]), list(FORMS[label].values()))[0]
    if label == "neutral":
        if form == "fact":
            return _cap(fact(rng, domain)) + "."
        if form == "facts":
            a, b = rng.sample(dom["facts"], 2)
            return f"{_cap(_fill(rng, a))}. {_cap(_fill(rng, b))}."
        if form == "occasion":
            who = rng.choice(["I", "we", f"{rng.choice(PEOPLE)} and I", rng.choice(NAMES) + " and I"])
            verb = rng.choice(["tried", "went to", "booked", "checked out", "looked at", "paid for"])
            return f"{rng.choice(OCCASIONS)}, {who} {verb} {thing(rng, domain)}."
        if form == "context":
            return f"{_cap(_fill(rng, rng.choice(CONTEXT)))}. {_cap(fact(rng, domain))}."
        if form == "plan":
            return _cap(_fill(rng, rng.choice(PLANS).replace("{thing}", rng.choice(dom["things"])))) + "."
        q = rng.choice(dom["questions"])
        if "{asp}" in q:
            asp = _aspect(rng.choice(dom["aspects"]))
            q = q.replace("{asp}", asp[0]).replace("{adj}", _adj(rng, asp, rng.choice(["positive", "negative"])))
        frame = rng.choice(QUESTION_FRAMES)
        q = _fill(rng, q)
        return _fill(rng, frame.replace("{q}", _cap(q) if frame.startswith("{q}") else q))
    end = end_mark(rng)
    if form in ("plain", "pair", "verdict", "not_only") and rng.random() < 0.4:  # a neutral lead-in changes nothing
        lead = rng.choice(OCCASIONS)
        return f"{lead}, {_uncap(sentiment_text_form(rng, label, domain, form, end))}"
    return sentiment_text_form(rng, label, domain, form, end)


def _uncap(s: str) -> str:
    return s if s.startswith(("I ", "I'")) else s[:1].lower() + s[1:]


def sentiment_text_form(rng: random.Random, label: str, domain: str, form: str, end: str) -> str:
    """A text of `form` built for `label` (positive or negative)."""
    other = "negative" if label == "positive" else "positive"
    if form == "plain":
        return _cap(opinion(rng, label, domain)[0]) + end
    if form == "pair":  # "The room was dirty and the staff were rude."
        a, b = two_aspects(rng, domain)
        (x, _), (y, _) = opinion(rng, label, domain, a, False), opinion(rng, label, domain, b, False)
        return f"{_cap(x)} and {y}{end}"
    if form == "not_only":  # negation that negates nothing
        a, b = two_aspects(rng, domain)
        inv = "were" if a[1] else "was"
        return (f"Not only {inv} {a[0]} {_adj(rng, a, label)}, {b[0]} {'were' if b[1] else 'was'} "
                f"{_adj(rng, b, label)} too{end}")
    if form in ("contrast", "concessive"):
        a, b = two_aspects(rng, domain)
        main, _ = opinion(rng, label, domain, a, allow_negation=rng.random() < 0.25)
        minor, _ = opinion(rng, other, domain, b, allow_negation=rng.random() < 0.25)
        if form == "contrast":
            shape = rng.randrange(3)
            if shape == 0:
                return f"{_cap(minor)}, but {main}{end}"
            if shape == 1:
                return f"{_cap(minor)}. However, {main}{end}"
            return f"{_cap(minor)}, but {rng.choice(['honestly, ', 'in the end ', 'overall ', 'still, '])}{main}{end}"
        conj = rng.choice(["although", "even though", "while"])
        if rng.random() < 0.5:
            return f"{_cap(conj)} {minor}, {main}{end}"
        return f"{_cap(main)}, {'although' if conj == 'while' else conj} {minor}{end}"
    if form == "event":
        lead = rng.choice(["", "", "Honestly, ", "Last time, ", "On my last visit, "]
                          if label == "positive" else ["", "", "Unfortunately, ", "Sadly, ", "Last time, "])
        ev = event(rng, label, domain)
        return _cap(ev if ev.startswith("another") else lead + ev) + end
    if form in ("irony", "cue_sincere"):
        ev = event(rng, "negative" if form == "irony" else "positive", domain)
        frame = rng.choice([f for f in CUE_FRAMES if not (ev.startswith("another") and "how" in f + " ")
                            and not (ev.startswith("another") and "when" in f)])
        return _fill(rng, frame.replace("{cue}", rng.choice(CUES)).replace("{Event}", _cap(ev))
                     .replace("{event}", ev))
    if form == "verdict":
        return (f"{_cap(opinion(rng, label, domain)[0])}. "
                f"{rng.choice(POS_VERDICT if label == 'positive' else NEG_VERDICT)}")
    # long: a factual lead-in, then an opinion or a contrast of the label, sometimes a verdict
    parts = [_cap(fact(rng, domain) if rng.random() < 0.5 else _fill(rng, rng.choice(CONTEXT))) + "."]
    a, b = two_aspects(rng, domain)
    first, _ = opinion(rng, label, domain, a)
    if rng.random() < 0.4:
        minor, _ = opinion(rng, other, domain, b, allow_negation=False)
        parts.append(f"{_cap(minor)}, but {first}{end}")
    else:
        parts.append(_cap(first) + end)
    if rng.random() < 0.3:
        parts.append(rng.choice(POS_VERDICT if label == "positive" else NEG_VERDICT))
    return " ".join(parts)


def _noise_positions(rng: random.Random, size: int) -> list[int]:
    return sorted(rng.sample(range(size), round(NOISE_RATE * size)))


def make_sentiment_with_truth(rng: random.Random) -> dict[str, list[dict]]:
    """Rows with 'text', 'label' (as shipped) and 'built_for' (the label the text was built for)."""
    seen: set[str] = set()
    out: dict[str, list[dict]] = {}
    for split, size in SENTIMENT_SIZES.items():
        counts = {lab: round(size * share) for lab, share in SENTIMENT_SHARES.items()}
        counts["neutral"] += size - sum(counts.values())
        labels = [lab for lab, k in counts.items() for _ in range(k)]
        rng.shuffle(labels)
        noisy = set(_noise_positions(rng, size))
        rows = []
        for i, label in enumerate(labels):
            built_for = rng.choice([x for x in SENTIMENT_SHARES if x != label]) if i in noisy else label
            while True:
                text = sentiment_text(rng, built_for)
                key = near_duplicate_key(text)
                if key not in seen:  # case/punctuation variants count as repeats
                    seen.add(key)
                    break
            rows.append({"text": text, "label": label, "built_for": built_for})
        out[split] = rows
    return out


def make_sentiment(rng: random.Random) -> dict[str, list[dict]]:
    """Exact per-split label counts from SENTIMENT_SHARES, NOISE_RATE of them noisy; texts unique across splits."""
    return {split: [{"text": r["text"], "label": r["label"]} for r in rows]
            for split, rows in make_sentiment_with_truth(rng).items()}
