"""The anti-profiling check: is someone described by race, ethnicity or origin alone?

Keyword matching refused "our black lab slipped her leash" and passed "a black guy
walking around looking at houses". This reads the words instead, in one pass and
with fixed-size windows (linear in the text, no backtracking pattern):

1. Find the descriptors of race, ethnicity, origin or skin colour ("black",
   "hispanic", "middle eastern", "dark-skinned", "asian-looking").
2. Decide whether each one describes a PERSON: followed by a person noun ("a black
   male", "hispanic teens", "van driver"), used as a noun ("a hispanic", "blacks"),
   said of a person ("he was black", "looked arab", "a man of middle eastern
   descent", "guy, black,"). A pet, vehicle, garment, place, food or a name ("Mr.
   White", "Black Friday") is no person, nor is a pet named by a pronoun ("Lost cat.
   She's black with white paws"), the author ("I'm Korean", "As a Black mom, I") or
   a group addressed ("Latino families welcome"). Coded words ("urban youths",
   "illegals") stand for a race.
3. If a person is described, count the SPECIFIC details anywhere in the text:
   clothing with a colour or brand, a vehicle by colour, make or plate, a mark such
   as a tattoo or a limp, an object carried, an act beyond walking, looking, standing
   or driving around, a direction of travel. Race, sex, age, height, build, hair and
   plain clothing ("a hoodie") could match anyone, so they do not count. Acts are
   read by their base form ("tried", "trying", "tries").

The description passes with at least two specific details, one of them about how
the person looks (clothing, vehicle, mark or object): enough that a neighbor could
tell that person apart from others of the same race. The criteria and the measured
precision and recall are in docs/moderation-checks.md and bench/profiling_check.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commonwatch.core.plain_text import as_read, spelled_out, split_words_joined

MIN_DETAILS = 2
MIN_APPEARANCE_DETAILS = 1
# How far a descriptor looks for its noun ("black [middle-aged] male"), and how far
# back a predicate ("he [really] was black") looks for its subject.
NOUN_WINDOW = 4
SUBJECT_WINDOW = 6
MODIFIER_WINDOW = 4
# How far back a pronoun looks for the person or animal it stands for: a few sentences
# of a post, and a bound that keeps the reading linear.
REFERENT_WINDOW = 40

# Words, hyphen-free: "middle-eastern" and "t-shirt" are read as two words. Every
# alternative consumes what it matches, so finditer never retries a run.
TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?|[^\sA-Za-z0-9]")


def _words(text: str) -> frozenset[str]:
    """A lexicon written as words separated by spaces."""
    return frozenset(text.split())


COLOUR_DESCRIPTORS = frozenset({"black", "blk", "white", "brown"})
ORIGIN_DESCRIPTORS = _words(
    """hispanic hispanc latino latina latinx latin mexican mexcian asian asain chinese
    japanese korean vietnamese filipino filipina indian arab arabic african afro somali
    haitian jamaican dominican cuban ethiopian caucasian gypsy russian spanish native
    muslim ethnic foreign islander oriental thai brazilian salvadoran guatemalan
    honduran colombian venezuelan nigerian ghanaian eritrean sudanese egyptian iranian
    afghan pakistani bangladeshi sikh hmong cambodian samoan polynesian romani"""
)
# Coded words: they stand for a race only right before a person ("urban youths",
# "ghetto-looking girls"), never before a thing ("urban farm", "ghetto blaster").
CODED_DESCRIPTORS = frozenset({"urban", "ghetto", "thuggish", "illegal"})
# Plural nouns that name people by race or origin ("blacks", "hispanics").
PLURAL_DESCRIPTORS = _words(
    """blacks whites hispanics latinos latinas mexicans asians arabs africans indians
    somalis haitians jamaicans dominicans cubans filipinos gypsies caucasians muslims
    russians orientals illegals thugs nigerians pakistanis afghans"""
)
# Two-word descriptors: the second word counts only after the first.
COMPOUNDS = {
    "eastern": frozenset({"middle", "mid"}),
    "american": frozenset({"african", "afro", "native", "asian", "mexican", "latin"}),
    "rican": frozenset({"puerto"}),
    "islander": frozenset({"pacific"}),
}
SKIN_TONES = frozenset({"dark", "light", "brown", "olive", "fair", "tan"})
SKIN_WORDS = frozenset({"skinned", "skin", "complected", "complexioned", "complexion"})

PERSON_NOUNS = _words(
    """guy guys man men male males mal female females woman women lady ladies kid kids
    teen teens teenager teenagers boy boys girl girls person persons people dude dudes
    individual individuals suspect suspects couple group gang family families gentleman
    gentlemen fellow fella fellas youth youths youngster youngsters juvenile juveniles
    adult adults subject subjects stranger strangers character characters neighbor
    neighbors neighbour neighbours worker workers mom dad mother father son daughter
    grandma grandpa child children toddler tourist tourists driver drivers crew thug
    thugs bro bros chick gal gals lad lads folks folk jogger joggers pedestrian tenant
    tenants solicitor solicitors salesman someone somebody wife husband brother sister
    aunt uncle grandmother grandfather granny baby infant senior seniors elder chap
    contractor contractors landscaper landscapers laborer laborers roofer roofers
    handyman nanny babysitter maid housekeeper cleaner cleaners courier mailman
    panhandler panhandlers beggar vagrant vagrants transient transients squatter
    squatters trespasser trespassers prowler prowlers burglar burglars thief thieves
    robber robbers intruder intruders loiterer loiterers punk punks hooligans vendor
    vendors peddler rider riders cyclist biker bikers skateboarder skateboarders
    immigrant immigrants aliens migrants foreigner foreigners gangbanger gangbangers"""
)
# Places whose people are named after them ("school kids", "church ladies").
MEMBERSHIPS = _words("school church temple mosque club league college")
# People as a body, which a place before them makes an organization ("church group").
COLLECTIVES = _words("group crew couple family families gang folks")
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "who", "both"})
SELF = frozenset({"i", "i'm", "im", "we", "we're", "me", "us"})
# Contractions that are a person subject and its verb at once ("he's black").
PERSON_COPULAS = frozenset({"he's", "she's", "they're", "hes", "shes", "theyre"})
COPULAS = frozenset({"was", "were", "is", "are", "be", "being", "been"})
APPEARANCE_VERBS = frozenset(
    {"looked", "looks", "look", "looking", "appeared", "appears", "seemed", "seems"}
)
HEDGES = _words(
    """maybe possibly probably prob like kinda kind of sort definitely clearly obviously
    both all either to be a an really def"""
)
# Animal words a pet post uses besides the animal's name ("she's black with white
# paws", "he's brown, neutered, microchipped"): a pronoun after them is the pet.
PET_CUES = _words(
    """paws paw tail fur whiskers muzzle markings spots patch patches stripes belly
    collar leash harness microchip microchipped chipped neutered spayed meows barks
    purrs breed mix tabby calico"""
)
# After a colour, words that make it the colour of a thing or an animal, never of a
# person: "white as a sheet", "black and tan", "brown with white paws".
COAT_FOLLOWERS = frozenset({"as", "and", "&", "with"})
ORIGIN_NOUNS = frozenset(
    {"descent", "decent", "origin", "background", "heritage", "ethnicity", "appearance"}
)
SURNAME_COLOURS = frozenset({"black", "white", "brown", "blacks", "whites", "browns"})
FAMILY_WORDS = frozenset({"family", "house", "household", "kids", "residence"})
SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
SPOKEN_OF = _words(
    """about against toward towards targeting anti hate racist serving celebrating
    honoring honouring supporting support welcoming empowering"""
)
# After a group, words that make it the audience of an announcement.
ADDRESSED = _words("welcome invited encouraged")
# Before a descriptor, a word that makes it the author's own role ("as a black mom, I").
SELF_ROLE = frozenset({"as"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "officer", "coach", "pastor", "judge"})
DETERMINERS = _words(
    """a an one two three four five several some the another this that any couple
    bunch lot lots group few of"""
)
# Words after which a noun phrase has ended: no person noun can follow in it.
FUNCTION_WORDS = _words(
    """a an the this that these those my our your his her their its it he she they we i
    you me him them us who which whom whose what when where why how and or but so
    because if then than as at by for from in into of off on onto out over past
    through to toward towards under up down with without near around across behind
    along between beside outside inside about after before again just also still only
    not no was were is are am be been being has have had do does did will would can
    could should may might must keep keeps kept got get gets going"""
)
MODIFIERS = _words(
    """looking lookin ish skinned complected complexioned appearing aged middle young
    younger old older elderly tall short skinny thin heavy heavyset fat big large
    small little stocky muscular teenage teenaged suspicious sketchy shady creepy
    weird strange random unknown unfamiliar lone single bald balding bearded haired
    eyed blond blonde homeless"""
)

HAIR = _words(
    """hair haired hairy eyed eyes eye beard bearded bald blond blonde dreads
    dreadlocks braids afro ponytail mustache moustache goatee"""
)
CLOTHING = _words(
    """hoodie hoody hoodies sweatshirt jacket jackets coat coats shirt shirts tshirt tee
    top tank jersey vest sweater fleece windbreaker raincoat parka puffer pants jeans
    shorts sweatpants joggers leggings skirt dress suit tuxedo uniform uniforms scrubs
    overalls hat hats cap caps beanie helmet bandana mask gloves glove scarf shoes
    sneakers boots sandals slippers jordans converse timberlands crocs backpack bag
    purse tracksuit turban hijab headscarf sunglasses apron jumpsuit poncho cardigan
    blazer polo belt tie collar harness bathrobe robe pajamas kilt sari thobe abaya
    headband visor durag wig earmuffs mittens socks heels overcoat trench peacoat
    glasses goggles earrings necklace chain bracelet headphones earbuds hood onesie
    shawl tights"""
)
BRAND_CLOTHING = frozenset({"jordans", "converse", "timberlands", "crocs"})
COLOURS = _words(
    """red blue green yellow orange purple pink black white brown grey gray tan beige
    navy maroon burgundy teal gold silver khaki olive camo camouflage neon bright
    plaid striped checkered floral leather denim reflective vis nike adidas jordan puma
    carhartt patagonia lululemon northface champion supreme reebok raiders lakers
    dodgers yankees eagles bulls 49ers niners cowboys broncos spiderman hi vis
    dye polka dotted graphic logo print printed sequined glittery fluorescent
    turquoise lime mint cream ivory magenta lavender violet rust"""
)
VEHICLES = _words(
    """car truck pickup van suv sedan minivan motorcycle bike bicycle bmx scooter moped
    coupe hatchback wagon crossover convertible jeep rv camper trailer ebike atv
    semi limo limousine taxi cab uhaul"""
)
MAKES = _words(
    """tahoe camry civic corolla accord altima prius silverado f150 ram wrangler sprinter
    cooper tesla bmw audi mercedes lexus honda toyota ford chevy chevrolet nissan dodge
    kia hyundai subaru volkswagen vw jeep mazda buick gmc cadillac chrysler lincoln
    volvo mitsubishi infiniti acura pontiac explorer escalade impala malibu charger
    challenger mustang rav4 crv odyssey sienna highlander 4runner tacoma tundra
    outback forester sentra maxima rogue pathfinder elantra sonata optima jetta
    passat cybertruck bronco f250 suburban yukon durango caravan rivian"""
)
PLATES = frozenset({"plate", "plates", "tag", "tags", "license"})
MARKS = _words(
    """tattoo tattoos tattooed scar scars limp limping piercing piercings pierced
    birthmark cast crutches cane wheelchair eyepatch walker sling brace bandage
    bandaged bruise"""
)
CARRIED = _words(
    """ladder crowbar toolbox cutters shovel hammer bat knife gun pistol rifle machete
    suitcase stroller cart dolly tv television skateboard surfboard guitar bucket
    flashlight wrench drill sledgehammer mower blower cooler duffel duffle pole
    umbrella"""
)
# Specific acts, by their base form: "tried", "trying" and "tries" are all "try".
ACTS = _words(
    """steal take grab break smash pry try climb jump hop kick knock throw spray cut
    siphon snatch dump drop hit punch yell scream shout ask offer sell follow chase
    expose urinate pee load unload open enter pull push tamper jiggle fix find let
    bite pick help return carry rummage check slash vandalize shoplift rob mug assault
    attack shoot burn shatter bang pound deliver shovel install remove unscrew swipe
    sneak flee jimmy spit"""
)
# Past forms no suffix rule finds, and acts whose base form is also a common noun
# ("a Ring camera", "in his hand", "at one point"), read only in these forms.
IRREGULAR_ACTS = {
    "rang": "ring",
    "ringing": "ring",
    "handed": "hand",
    "handing": "hand",
    "keyed": "key",
    "pointed": "point",
    "pocketed": "pocket",
    "waved": "wave",
    "waving": "wave",
    "swung": "swing",
    "planted": "plant",
    "dented": "dent",
    "scratched": "scratch",
    "lit": "light",
    "stole": "steal",
    "stolen": "steal",
    "took": "take",
    "taken": "take",
    "broke": "break",
    "broken": "break",
    "threw": "throw",
    "thrown": "throw",
    "bit": "bite",
    "found": "find",
    "shot": "shoot",
    "snuck": "sneak",
    "fled": "flee",
    "spat": "spit",
}
DIRECTIONS = _words(
    """toward towards north south east west northbound southbound eastbound westbound
    headed heading"""
)
# Nouns that end a noun phrase as something other than a person.
ANIMALS = _words(
    """dog dogs lab labs cat cats kitten kittens puppy pug poodle husky terrier shepherd
    bear geese goose rabbit chickens horse beetle beetles spiders fish pup pups
    puppies kitty retriever golden doodle goldendoodle labradoodle pit pitbull
    bulldog chihuahua dachshund beagle boxer collie corgi rottweiler doberman mastiff
    schnauzer spaniel setter pointer hound greyhound heeler malamute pomeranian
    maltese yorkie shih tzu tabby calico siamese persian coon ragdoll bunny hamster
    ferret parrot parakeet cockatiel bird birds hen hens rooster duck ducks tortoise
    turtle snake lizard gecko goat cow pony deer fox coyote raccoon squirrel skunk
    possum hawk owl crow mutt mix widow recluse panther pet pets"""
)
PLACES = _words(
    """restaurant market store shop grocery bakery church temple mosque center centre
    festival parade consulate community food takeout place flag sign school class
    classes lessons club league salon barbershop deli cafe bistro buffet cuisine
    dinner lunch fair event potluck summer heritage history culture music dance
    art film museum business businesses"""
)
THINGS = CLOTHING | VEHICLES | MAKES | MARKS | CARRIED | ANIMALS | PLACES | HAIR | PLATES


# Every word a descriptor can start with ("middle" of "middle eastern", "dark" of
# "dark-skinned", "color" of "person of color"): a text holding none of them is done.
DESCRIPTOR_STARTS = tuple(
    COLOUR_DESCRIPTORS
    | ORIGIN_DESCRIPTORS
    | PLURAL_DESCRIPTORS
    | SKIN_TONES
    | {first for firsts in COMPOUNDS.values() for first in firsts}
    | CODED_DESCRIPTORS
    | {"color", "colour", "poc"}
)

# The words a word split by one space is read as ("bl ack" is "black"), and the splits
# of them whose halves are words of their own ("his panic", "Pakistan is"): those stay
# two words. The halves were looked up in a dictionary (Debian's wamerican), keeping
# those whose second half is a word in small letters: a name after a word is left
# apart by its capital ("as Ian"). Look them up again when a descriptor is added.
SPLIT_DESCRIPTORS = (
    COLOUR_DESCRIPTORS
    | ORIGIN_DESCRIPTORS
    | PLURAL_DESCRIPTORS
    | CODED_DESCRIPTORS
    | frozenset(COMPOUNDS)
    | frozenset(first for firsts in COMPOUNDS.values() for first in firsts)
)
TWO_WORDS = frozenset(
    {"a fro", "bangladesh i", "cub an", "dominic an", "haiti an", "his panic", "his panics"}
    | {"i slander", "is lander", "island er", "la tin", "lat in", "latin a", "latin as"}
    | {"pakistan i", "pakistan is", "roman i", "salvador an"}
)


@dataclass(frozen=True)
class Token:
    word: str  # lower case, possessive "'s" removed
    capital: bool
    shouted: bool = False  # written in capitals, so no sign of a proper noun


@dataclass
class Reading:
    """What the check found: the people described by race, and the details given."""

    mentions: list[str] = field(default_factory=list)  # the descriptors, as written
    appearance: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    @property
    def details(self) -> int:
        return len(self.appearance) + len(self.actions)

    @property
    def by_race_alone(self) -> bool:
        """A person described by race, without enough to tell them apart."""
        if not self.mentions:
            return False
        return self.details < MIN_DETAILS or len(self.appearance) < MIN_APPEARANCE_DETAILS


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in TOKEN.finditer(text):
        raw = match.group()
        word = raw.lower()
        if word.endswith("'s") and word not in PERSON_COPULAS:
            word = word[:-2]
        tokens.append(Token(word, raw[0].isupper(), len(raw) > 1 and raw.isupper()))
    return tokens


def _is_punctuation(token: Token) -> bool:
    return not token.word[0].isalnum()


def _descriptor_span(tokens: list[Token], i: int) -> int | None:
    """The index of the descriptor's last word if a descriptor starts at i, else None."""
    word = tokens[i].word
    j = i + 1
    while j < len(tokens) and tokens[j].word == "-":
        j += 1
    following = tokens[j].word if j < len(tokens) else ""
    if word in SKIN_TONES and following in SKIN_WORDS:
        return j
    if word in {"black", "white", "brown"} and following in HAIR - {"bald", "balding"}:
        return None
    for second, firsts in COMPOUNDS.items():
        if following == second and word in firsts:
            return j
    if word in COLOUR_DESCRIPTORS or word in ORIGIN_DESCRIPTORS or word in PLURAL_DESCRIPTORS:
        return i
    if word == "poc" or word in CODED_DESCRIPTORS:
        return i
    return None


def _is_name(tokens: list[Token], i: int, end: int) -> bool:
    """ "Mr. White", "Dr. Black's", "the Whites", "Black Friday", "White Oak trail"."""
    k = i - 1
    while k >= 0 and tokens[k].word == ".":
        k -= 1
    if k >= 0 and tokens[k].word in HONORIFICS:
        return True
    token = tokens[i]
    if not token.capital or token.shouted:
        return False
    after = tokens[end + 1] if end + 1 < len(tokens) else None
    if k >= 0 and tokens[k].word == "the" and token.word in SURNAME_COLOURS:
        # "the Whites", "the Black family": a family by its name.
        return token.word.endswith("s") or bool(after and after.word in FAMILY_WORDS)
    return bool(after and after.capital and after.word.isalpha() and after.word not in PERSON_NOUNS)


def _next_word(tokens: list[Token], j: int) -> str:
    return tokens[j].word if j < len(tokens) else ""


def _is_brand(tokens: list[Token], j: int) -> bool:
    """A capitalised word inside a sentence that is no descriptor or person: a make, a
    model or a team ("white Rivian", "Seahawks hoodie")."""
    if not 0 < j < len(tokens):
        return False
    token = tokens[j]
    if not token.capital or token.shouted or not token.word.isalpha():
        return False
    if tokens[j - 1].word in SENTENCE_ENDS | {":"}:
        return False
    known = PERSON_NOUNS | FUNCTION_WORDS | SELF | SUBJECT_PRONOUNS | MODIFIERS
    return _descriptor_span(tokens, j) is None and token.word not in known


def _person_follows(tokens: list[Token], end: int, colour: bool) -> bool:
    """A person noun heads the phrase the descriptor opens ("black [middle-aged] male")."""
    seen = 0
    j = end + 1
    if colour and _is_brand(tokens, j):
        return False  # "a white Rivian driver": the colour is the car's
    while j < len(tokens) and seen < NOUN_WINDOW:
        token = tokens[j]
        word = token.word
        after = _next_word(tokens, j + 1)
        if word in {"-", "/", "&"} or word in MODIFIERS:
            j += 1
            continue
        if _is_punctuation(token) or word in FUNCTION_WORDS - {"and", "or"}:
            return False
        if word in {"and", "or"}:
            j += 1
            continue
        if word in PERSON_NOUNS:
            return after not in THINGS  # "family center", "lady beetles"
        if word in MEMBERSHIPS and after in PERSON_NOUNS - COLLECTIVES:
            # "black high school kids": the place says which people; but a "church
            # youth group" is an organization.
            return _next_word(tokens, j + 2) not in PERSON_NOUNS
        if word in THINGS:
            # "hispanic van driver": an origin word before a vehicle still describes
            # its driver; a colour word describes the vehicle ("white van guy").
            return not colour and word in VEHICLES | MAKES and after in PERSON_NOUNS
        if word.endswith(("ing", "ed")) and _descriptor_span(tokens, j) is None:
            return after in PERSON_NOUNS  # "black hooded man", but "white painted fence"
        seen += 1
        j += 1
    return False


def _used_as_noun(tokens: list[Token], i: int, end: int) -> bool:
    """ "blacks", "a hispanic was", "two asians": the descriptor names people itself."""
    word = tokens[i].word
    before = tokens[i - 1].word if i > 0 else ""
    if word in PLURAL_DESCRIPTORS:
        return word != "whites" or before in DETERMINERS
    if before not in DETERMINERS or before == "of":
        return False
    after = tokens[end + 1] if end + 1 < len(tokens) else None
    if after is None or (_is_punctuation(after) and after.word not in {"-", "/", "&"}):
        return True
    if after.word == "of":
        return False  # "a native of Ohio"
    return after.word in FUNCTION_WORDS - {"and", "or"} or after.word.endswith("ing")


def _spoken_of(tokens: list[Token], i: int) -> bool:
    """ "graffiti about Asians", "hate against black families", "celebrating Latino
    artists": a group spoken of or addressed, not a person seen."""
    k = i - 1
    while k >= 0 and tokens[k].word in {"the", "our", "all", "local", "many", "of"}:
        k -= 1
    return k >= 0 and tokens[k].word in SPOKEN_OF


def _addressed(tokens: list[Token], end: int) -> bool:
    """ "Latino families welcome", "Black residents are invited": people addressed by
    an announcement, not described."""
    for j in range(end + 1, min(end + 1 + NOUN_WINDOW, len(tokens))):
        word = tokens[j].word
        if word in ADDRESSED:
            return True
        if word in SENTENCE_ENDS:
            return False
    return False


def _about_the_author(tokens: list[Token], i: int) -> bool:
    """ "we're a Black family", "as a Latina mom, I", "I am half Korean"."""
    k = i - 1
    while k >= 0 and (tokens[k].word in DETERMINERS or tokens[k].word in HEDGES):
        k -= 1
    if k < 0:
        return False
    word = tokens[k].word
    if word in SELF:
        return True
    if word in SELF_ROLE:  # only opening a sentence: "described as a black male" is not
        return k == 0 or tokens[k - 1].word in SENTENCE_ENDS
    return word in COPULAS | {"am"} and k > 0 and tokens[k - 1].word in SELF


def _a_coat_colour(tokens: list[Token], end: int) -> bool:
    """ "white as a sheet", "black and tan", "brown with white paws": a colour said of an
    animal or a thing."""
    following = _next_word(tokens, end + 1)
    if following not in COAT_FOLLOWERS:
        return False
    if following == "as":
        return True
    rest = [t.word for t in tokens[end + 2 : end + 5] if t.word not in {"a", "an", "-"}]
    if following in {"and", "&"}:
        return bool(rest) and rest[0] in COLOURS and rest[0] not in CLOTHING
    return any(word in PET_CUES or word in COLOURS for word in rest[:2])


def _refers_to_an_animal(tokens: list[Token], k: int) -> bool:
    """Whether the nearest noun before token k that can be a he, she or they is an
    animal ("Lost dog. She's black", "our cat Luna, she is white")."""
    for j in range(k - 1, max(k - 1 - REFERENT_WINDOW, -1), -1):
        word = tokens[j].word
        if word in PERSON_NOUNS or word in SELF:
            return False
        if word in ANIMALS or word in PET_CUES:
            return True
    return False


def _said_of_a_person(tokens: list[Token], i: int, end: int) -> bool:
    """ "he was black", "looked arab", "appeared to be hispanic", "a guy, black,"."""
    colour = tokens[i].word in COLOUR_DESCRIPTORS
    if colour and _a_coat_colour(tokens, end):
        return False
    if _heads_a_thing(tokens, end):
        return False  # "they're black labs"
    k = i - 1
    while k >= 0 and tokens[k].word in HEDGES:
        k -= 1
    if k < 0:
        return False
    verb = tokens[k].word
    if _next_word(tokens, end + 1) == "of":
        return False  # "he's a native of Ohio"
    if verb in PERSON_COPULAS:
        return not _refers_to_an_animal(tokens, k)
    if verb == ",":
        k -= 1
        return k >= 0 and tokens[k].word in PERSON_NOUNS
    if verb not in COPULAS and verb not in APPEARANCE_VERBS:
        return False
    for j in range(k - 1, max(k - 1 - SUBJECT_WINDOW, -1), -1):
        word = tokens[j].word
        if word in SELF:
            return False
        if word in PERSON_NOUNS:
            return True
        if word in SUBJECT_PRONOUNS:
            return not _refers_to_an_animal(tokens, j)
        if word in THINGS or word == "it" or word in SENTENCE_ENDS:
            return False
    return verb in APPEARANCE_VERBS  # "looked arab" needs no subject to mean a person


def _heads_a_thing(tokens: list[Token], end: int) -> bool:
    """The descriptor opens a phrase that ends on a thing or an animal."""
    for j in range(end + 1, min(end + 1 + NOUN_WINDOW, len(tokens))):
        word = _singular(tokens[j].word)
        if word in THINGS:
            return True
        if word in {"and", "or", "&"}:
            continue  # "a black and brindle boxer"
        if _is_punctuation(tokens[j]) or word in FUNCTION_WORDS or word in PERSON_NOUNS:
            return False
    return False


def _of_origin(tokens: list[Token], i: int, end: int) -> bool:
    """ "a man of middle eastern descent", "a person of color"."""
    after = tokens[end + 1].word if end + 1 < len(tokens) else ""
    before = tokens[i - 1].word if i > 0 else ""
    return before == "of" and after in ORIGIN_NOUNS


def _person_of_colour(tokens: list[Token], i: int) -> bool:
    return (
        tokens[i].word in {"color", "colour"}
        and i >= 2
        and tokens[i - 1].word == "of"
        and tokens[i - 2].word in PERSON_NOUNS
    )


def _coded_before_a_person(tokens: list[Token], i: int) -> bool:
    """ "urban youths", "ghetto-looking girls", "illegal aliens": right before a person,
    skipping only a hyphen and "looking"."""
    j = i + 1
    while j < len(tokens) and tokens[j].word in {"-", "looking", "ish"}:
        j += 1
    return _next_word(tokens, j) in PERSON_NOUNS


def _describes_a_person(tokens: list[Token], i: int, end: int) -> bool:
    word = tokens[i].word
    if _is_name(tokens, i, end) or _spoken_of(tokens, i) or _about_the_author(tokens, i):
        return False
    if _addressed(tokens, end):
        return False
    if word in CODED_DESCRIPTORS:
        return _coded_before_a_person(tokens, i)
    if word in SKIN_TONES and end > i:
        return True  # "with dark skin": only people are described by their skin
    return (
        _person_follows(tokens, end, word in COLOUR_DESCRIPTORS)
        or _used_as_noun(tokens, i, end)
        or _said_of_a_person(tokens, i, end)
        or _of_origin(tokens, i, end)
    )


def _mentions(tokens: list[Token]) -> list[str]:
    found = []
    i = 0
    while i < len(tokens):
        if _person_of_colour(tokens, i):
            found.append("of " + tokens[i].word)
        end = _descriptor_span(tokens, i)
        if end is None:
            i += 1
            continue
        if _describes_a_person(tokens, i, end):
            found.append(" ".join(t.word for t in tokens[i : end + 1] if t.word != "-"))
        i = end + 1
    return found


def _modified(tokens: list[Token], j: int, words: frozenset[str]) -> bool:
    """One of the words stands before token j in its phrase ("red [high school] jersey"),
    or a brand does ("Seahawks hoodie")."""
    for k in range(j - 1, max(j - 1 - MODIFIER_WINDOW, -1), -1):
        token = tokens[k]
        if token.word in words or _is_brand(tokens, k):
            return True
        ends_phrase = token.word in PERSON_NOUNS or token.word in FUNCTION_WORDS - {"and"}
        if ends_phrase or (_is_punctuation(token) and token.word != "-"):
            return False
    return False


def _plate_number(tokens: list[Token], j: int) -> bool:
    return any(any(c.isdigit() for c in t.word) for t in tokens[j + 1 : j + 4])


def _singular(word: str) -> str:
    """ "jerseys" -> "jersey", "tattoos" -> "tattoo": the lexicons list one form."""
    return word[:-1] if word.endswith("s") and word[:-1] in THINGS else word


def _act(word: str) -> str | None:
    """The base form of a specific act, whatever its ending ("tried", "prying",
    "grabbed", "slashes"), or None."""
    if word in IRREGULAR_ACTS:
        return IRREGULAR_ACTS[word]
    candidates = [word]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            candidates += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                candidates.append(stem[:-1])  # "grabbed", "cutting"
            if stem.endswith("i"):
                candidates.append(stem[:-1] + "y")  # "tried", "pries"
    if word.endswith("ying"):
        candidates.append(word[:-4] + "y")
    return next((c for c in candidates if c in ACTS), None)


def _details(tokens: list[Token], reading: Reading) -> None:
    appearance: dict[str, None] = {}
    actions: dict[str, None] = {}
    for j, token in enumerate(tokens):
        word = _singular(token.word)
        if word in CLOTHING and (word in BRAND_CLOTHING or _modified(tokens, j, COLOURS)):
            appearance[word] = None
        elif word in MAKES or (word in VEHICLES and _modified(tokens, j, COLOURS)):
            appearance["vehicle"] = None
        elif word in PLATES and _plate_number(tokens, j):
            appearance["plate"] = None
        elif word in MARKS or word in CARRIED:
            appearance[word] = None
        elif word in DIRECTIONS:
            actions["direction"] = None
        elif act := _act(word):
            actions[act] = None
    reading.appearance = list(appearance)
    reading.actions = list(actions)


def _may_describe(text: str) -> bool:
    """Whether any descriptor occurs at all, even inside a word: most posts hold none.
    Each test is one linear substring search."""
    lowered = text.lower()
    return any(word in lowered for word in DESCRIPTOR_STARTS)


def read(text: str) -> Reading:
    """Who the text describes by race or origin, and which specific details it gives."""
    if not _may_describe(text):
        return Reading()
    tokens = tokenize(text)
    reading = Reading(mentions=_mentions(tokens))
    if reading.mentions:
        _details(tokens, reading)
    return reading


def readings_of(text: str) -> list[str]:
    """The text as a person reads it (core.plain_text): look-alike letters as the Latin
    ones they look like, accents and invisible characters out; then also with letters
    spelled out one by one ("b-l-a-c-k") and a descriptor split by one space ("bl ack")
    read as the word."""
    text = as_read(text)
    split = split_words_joined(text, SPLIT_DESCRIPTORS, TWO_WORDS)
    return list(dict.fromkeys([*spelled_out(text), split]))


def read_as_written(text: str) -> Reading:
    """The check on what someone wrote, on each of its readings_of: the first reading
    that describes someone by race alone, if one does; else the one that finds the most
    descriptors."""
    readings = [read(reading) for reading in readings_of(text)]
    stopped = next((reading for reading in readings if reading.by_race_alone), None)
    return stopped or max(readings, key=lambda reading: len(reading.mentions))
