"""Word lists the advisory layer reads by: verbs, nouns, roles, titles, names, outlets.

Advisory only (see ``articles.quotes.attribution``): a rule never depends on these lists, so
they can grow as the corpus shows new copy. Every list is folded to lower case.
"""

from __future__ import annotations


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one string, separated by spaces."""
    return frozenset(words.split())


_set = word_set


# Verbs that attribute speech or writing to a person, organisation or outlet.
SPEECH_VERBS = _set(
    "said says told tells added adds asked asks wrote writes stated states noted notes "
    "reported reports explained explains argued argues insisted insists warned warns replied "
    "replies responded responds recalled recalls tweeted tweets announced announces claimed "
    "claims declared declares acknowledged acknowledges admitted admits testified testifies "
    "posted posts cautioned cautions conceded concedes confirmed confirms denied denies "
    "stressed stresses emphasised emphasises emphasized emphasizes predicted predicts "
    "promised promises pledged pledges vowed vows urged urges countered counters contended "
    "contends maintained maintains observed observes remarked remarks complained complains "
    "alleged alleges agreed agrees answered answers recounted recounts reiterated reiterates "
    "added continued continues cautioned quipped joked wondered wonders objected objects "
    "disputed disputes acknowledged texted emailed commented comments blogged disagreed "
    "disagrees dissented"
)
# Speech verbs that have other senses ("added two buses", "wrote a book", "posted a loss",
# "maintained the road"): they attribute only before a clause, a quote, a pause or a
# preposition of medium ("wrote in", "posted on"), never before a plain object.
AMBIGUOUS_VERBS = _set(
    "added adds wrote writes posted posts maintained maintains observed observes answered "
    "answers continued continues agreed agrees shared shares reported reports noted notes "
    "confirmed confirms denied denies commented comments"
)
# Verbs that may come before their speaker: “…,” said Tomás Reyes.
INVERTIBLE_VERBS = _set(
    "said says added adds asked asks wrote writes replied replies explained explains insisted "
    "insists warned warns noted notes reported reports continued argued recalled told "
    "tweeted posted stressed cautioned conceded countered agreed answered"
)
# Verbs only a document or data set "does": a report found, figures show.
DOCUMENT_VERBS = _set(
    "found finds show shows showed shown concluded concludes estimated estimates revealed "
    "reveals indicates indicated indicate suggests suggested suggest recommended recommends "
    "documented documents projected projects predicted predicts forecast forecasts"
)
# Two-word document verbs: "made clear", "puts it".
DOCUMENT_PHRASES = {"made": "clear", "makes": "clear", "make": "clear", "puts": "it", "put": "it"}
# Participles that tie a document or data set to who made it: "figures compiled by AirWatch",
# "a report released by the Institute".
MADE_BY = _set(
    "compiled released published produced conducted commissioned prepared issued gathered "
    "collected kept maintained provided obtained filed written carried run analysed analyzed "
    "reviewed seen shared posted submitted sent supplied made"
)

DOCUMENT_NOUNS = _set(
    "report reports study studies survey surveys audit audits analysis review investigation "
    "inquiry memo memorandum letter filing filings records documents document papers "
    "minutes summary statement census assessment findings evaluation dossier indictment "
    "complaint lawsuit ruling judgment transcript notice notices order orders brief plan "
    "budget forecast projection projections paper inspection inspections release agenda "
    "research application applications proposal test tests"
)
DATA_NOUNS = _set(
    "figures data statistics stats numbers estimates poll polls polling count counts tally "
    "census tallies"
)
DOCUMENTISH = DOCUMENT_NOUNS | DATA_NOUNS

# Words that make a phrase a role or title ("Deputy Ambassador", "the head librarian").
ROLE_WORDS = _set(
    "ambassador president minister secretary chairman chairwoman chair chairperson commander "
    "general director senator governor mayor spokesman spokeswoman spokesperson chief head "
    "deputy envoy representative judge justice prosecutor attorney councillor councilor "
    "coordinator librarian officer professor doctor lieutenant colonel captain sergeant "
    "admiral king queen prince princess pope bishop archbishop leader speaker commissioner "
    "superintendent inspector detective sheriff manager executive founder editor "
    "correspondent analyst economist researcher scientist lawmaker diplomat official premier "
    "chancellor treasurer clerk dean principal coach ceo adviser advisor aide counsel auditor "
    "engineer teacher owner member secretary-general administrator supervisor planner nurse "
    "lawyer historian comptroller controller ombudsman warden curator trustee councilwoman "
    "councilman alderman alderwoman assemblyman assemblywoman congressman congresswoman "
    "legislator magistrate coroner marshal constable provost rector vicar rabbi imam pastor "
    "priest physician surgeon epidemiologist virologist meteorologist forecaster operator "
    "organiser organizer activist campaigner volunteer owner landlord strategist pollster "
    "consultant contractor architect developer investor banker trader broker vice partner "
    "lecturer instructor reporter columnist producer host anchor writer author novelist "
    "artist musician actor actress singer player athlete referee trooper agent investigator "
    "ranger firefighter paramedic dispatcher registrar examiner regulator negotiator mediator "
    "arbitrator consul nominee candidate challenger incumbent delegate co-founder cofounder "
    "cfo coo cto president-elect chairwoman vice-president vice-chair headteacher headmaster "
    "headmistress midwife pharmacist dentist veterinarian vet farmer fisherman pilot driver "
    "conductor steward stewardess technician mechanic electrician plumber inspector-general "
    "attorney-general solicitor barrister clinician psychologist psychiatrist sociologist "
    "ecologist biologist geologist hydrologist climatologist physicist chemist statistician "
    "demographer archivist economist spokeswoman commissioner executive-director resident "
    "student manager forward striker midfielder defender goalkeeper keeper winger fullback "
    "full-back centre-back quarterback pitcher catcher batsman bowler jockey trainer sprinter "
    "runner cyclist swimmer rower boxer skipper"
)
# Roles that a person holds alone in a story more often than not ("the mayor"): a title
# reference resolves to the last person named with it.
# Words that make a capitalised name an organisation when they are its head (its last word,
# or the word before "of"/"for": "Writers Guild of Ames", "Institute for Coastal Studies").
ORG_WORDS = _set(
    "council committee commission trust office library ministry department agency university "
    "board forces force party mission nations bank fund court police service services "
    "institute association union organisation organization foundation group company inc corp "
    "ltd llc plc co authority assembly parliament congress senate government administration "
    "army navy coalition federation society alliance center centre hospital school college "
    "network club church campaign movement front brigade command programme program "
    "observatory secretariat cabinet kremlin pentagon guild league partnership consortium "
    "cooperative co-op chamber corporation holdings industries airlines airways airport port "
    "railway railways transit utility utilities clinic academy laboratory laboratories lab "
    "museum archive archives tribunal bureau directorate inspectorate caucus panel taskforce "
    "watchdog diocese mosque synagogue temple team fc guard corps district county "
    "municipality borough township charity project initiative institution exchange council "
    "systems technologies energy motors airline railroad agency commissioners trustees "
    "regulator ombudsman developments properties estates partners associates capital "
    "ventures investments insights research analytics media communications logistics foods "
    "brands pharmaceuticals enterprises solutions consulting construction engineering homes "
    "realty resources mining mutual bakery bakeries planning studios productions records "
    "society societies collective workshop"
)
# Words of time that end a noun phrase: "the authority last week found".
TIME_WORDS = _set(
    "last next this week weeks month months year years today yesterday tomorrow monday "
    "tuesday wednesday thursday friday saturday sunday morning afternoon evening night "
    "earlier later ago"
)
# Nouns that stand for whatever organisation the story is about ("the company said").
GENERIC_BODIES = _set(
    "company firm group agency organisation organization charity airline carrier utility "
    "body regulator operator business developer lender insurer retailer chain"
)
# Nouns for people that a later "the employee said" may refer back to (an unnamed source).
PEOPLE_NOUNS = _set(
    "person people official officials source sources insider insiders aide aides diplomat "
    "diplomats employee employees staffer staffers executive member resident worker workers "
    "woman man mother father parent neighbour neighbor witness relative friend colleague "
    "lawmaker engineer officer"
)
# Last words that make a capitalised name a news outlet ("The Millbrook Ledger").
PUBLICATION_WORDS = _set(
    "ledger gazette times post herald tribune journal chronicle courier record observer news "
    "daily star sun mirror express examiner inquirer dispatch bulletin register sentinel "
    "monitor telegraph standard globe mail independent weekly magazine digest press radio "
    "television tv broadcasting broadcaster wire newswire advocate beacon clarion courant "
    "enquirer mercury pioneer statesman voice citizen argus banner echo spectator patriot "
    "review"
)
# Common nouns that refer back to the last outlet named: "the paper reported".
PUBLICATION_NOUNS = _set(
    "newspaper paper broadcaster station outlet magazine tabloid daily weekly publication "
    "network site website newsletter"
)

# Title abbreviations stripped from a name and kept as its role, with the word they stand for
# (so "the general" finds Gen. Stephen Townsend).
TITLES = {
    "gen": "general",
    "dr": "doctor",
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "lt": "lieutenant",
    "col": "colonel",
    "capt": "captain",
    "sgt": "sergeant",
    "adm": "admiral",
    "maj": "major",
    "prof": "professor",
    "cmdr": "commander",
    "amb": "ambassador",
    "pres": "president",
    "rev": "reverend",
    "hon": "honourable",
    "supt": "superintendent",
    "insp": "inspector",
    "det": "detective",
    "cllr": "councillor",
    "mr": "",
    "mrs": "",
    "ms": "",
    "miss": "",
    "mx": "",
    "sir": "",
    "dame": "",
    "lord": "",
    "lady": "",
}
FEMALE_TITLES = _set("mrs ms miss dame lady")
MALE_TITLES = _set("mr sir lord")
# Role words that tell a person's gender ("the chairwoman", "Councilman Reed").
FEMALE_ROLES = _set(
    "chairwoman spokeswoman congresswoman assemblywoman councilwoman alderwoman queen "
    "princess actress headmistress stewardess businesswoman"
)
MALE_ROLES = _set(
    "chairman spokesman congressman assemblyman councilman alderman king prince headmaster "
    "businessman"
)
ABBREVIATIONS = frozenset(TITLES) | _set(
    "st jr sr inc co corp ltd no vs jan feb mar apr jun jul aug sep sept oct nov dec mt ft etc"
)

PRONOUNS = {"he": "male", "she": "female", "they": "", "it": ""}
OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they"}

# Plural or vague subjects: "officials said" is a claim with no nameable source.
GENERIC_SUBJECTS = _set(
    "officials official police experts residents analysts witnesses critics authorities "
    "sources observers researchers scientists doctors neighbours neighbors organisers "
    "organizers protesters protestors supporters opponents lawmakers diplomats officers "
    "prosecutors investigators people others many some activists volunteers staff workers "
    "parents students leaders members reports report media agencies reporters someone "
    "everyone nobody one source person individual insiders aides employees executives "
    "representatives spokespeople economists engineers teachers nurses drivers pilots "
    "passengers customers voters users owners businesses companies groups both each "
    "families farmers traders investors managers planners councillors councilors "
    "commissioners trustees"
)

DETERMINERS = _set("the a an its their his her our this that these those my your")
# Words that end a noun phrase when reading back from a verb.
FUNCTION_WORDS = _set(
    "in on at of to for with from by as into onto over after before about against between "
    "during under and or but nor so yet that which who whom whose when where while because if "
    "than then is are was were be been being has have had do does did not no will would can "
    "could should may might must it he she they we i you there here also only even"
)
# Adverbs and auxiliaries that may stand between a speaker and the verb ("Haley also said").
BETWEEN = _set(
    "also later then again previously earlier recently once has had have would will just "
    "further repeatedly privately publicly separately simply still already often has "
    "first last since never twice once formally quickly immediately initially"
)
# Capitalised words that open sentences but are never part of a name.
STARTERS = _set(
    "however moreover but and yet still meanwhile also then later earlier separately instead "
    "in on at last this that these those when after before while now today yesterday "
    "tomorrow speaking asked as if since because although though despite during under over "
    "for from with without by to of a an here there it he she they we i our their his her "
    "its my your according monday tuesday wednesday thursday friday saturday sunday january "
    "february march july september october november december asked separately elsewhere "
    "nonetheless nevertheless instead overall still so once what why how who where whether "
    "until unless some many most several few both all each every no not one two three "
    "writing testifying announcing"
)
# Lower-case particles inside names: "Ursula von der Leyen", "Commander of Coalition Forces".
CONNECTORS = _set("of de da del della di du la le van von der den al bin ibn y")
# Particles that join the words of an organisation's name ("Institute for Coastal Studies",
# "Department of Health and Human Services"); inside a person's name they are not.
ORG_CONNECTORS = _set("of for and & the")
PREPOSITIONS = _set("in at on from to for with by of into near across inside outside")

# Outlets, by every name they go by (folded: lower case, no leading "the").
OUTLETS: dict[str, tuple[str, ...]] = {
    "CBS News": ("CBS", "CBS News"),
    "USA Today": ("USA Today",),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "Associated Press": ("AP", "Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "BBC": ("BBC", "BBC News"),
    "CNN": ("CNN",),
    "The New York Times": ("New York Times", "NYT"),
    "The Washington Post": ("Washington Post",),
    "The Guardian": ("Guardian",),
    "Al Jazeera": ("Al Jazeera", "Al-Jazeera"),
    "NPR": ("NPR",),
    "Politico": ("Politico",),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "Financial Times": ("Financial Times",),
    "The Economist": ("Economist",),
    "ABC News": ("ABC", "ABC News"),
    "NBC News": ("NBC", "NBC News"),
    "Fox News": ("Fox News",),
    "MSNBC": ("MSNBC",),
    "Sky News": ("Sky News",),
    "Axios": ("Axios",),
    "The Telegraph": ("Telegraph", "Daily Telegraph"),
    "Los Angeles Times": ("Los Angeles Times", "LA Times"),
    "Le Monde": ("Le Monde",),
    "Der Spiegel": ("Der Spiegel", "Spiegel"),
    "Deutsche Welle": ("Deutsche Welle", "DW"),
    "Interfax": ("Interfax",),
    "TASS": ("TASS",),
    "Xinhua": ("Xinhua",),
    "Kyodo News": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap",),
    "ProPublica": ("ProPublica",),
    "Haaretz": ("Haaretz",),
    "Newsweek": ("Newsweek",),
}

# A small list of common first names, enough to tell where a name starts inside a title
# ("United States UN Ambassador Nikki Haley") and whom "she" or "he" can mean. Names that
# are also places or words (Jordan, Virginia, May) are left out on purpose.
FEMALE_NAMES = _set(
    "jane mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy "
    "betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa "
    "deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda "
    "pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine "
    "maria heather diane ruth julie olivia joyce victoria kelly lauren christina joan evelyn "
    "judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances "
    "kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle "
    "beverly isabella theresa diana natalie charlotte marie kayla lori nikki hillary hilary "
    "marta lena priya fatima aisha amina mariam maryam yasmin leila layla nadia olga tatiana "
    "svetlana natalia irina anastasia ekaterina elena ana ines inés sofia lucia carmen rosa "
    "isabel beatriz camila valentina gabriela fernanda juliana mariana ingrid greta ursula "
    "kamala condoleezza madeleine jacinda sanna federica annalena giorgia mette liz kemi yvette "
    "suella emmanuelle sylvie claire chloe camille manon jeanne brigitte benazir indira sonia "
    "nirmala susanna alexandria ilhan rashida ayanna kirsten tammy maxine kristi gina jen jenny "
    "kate katie kathy beth lucy molly holly zoe ella mia ava lily ruby freya isla amelia jess "
    "keira leah eva eve esther naomi miriam tamar noa yael shira dina rania rana hala huda "
    "salma ruth linh mei ying yuki hana sakura ji-woo min-ji aiko keiko akiko agnieszka "
    "katarzyna magdalena marta zsofia zuzana petra lenka jana veronika"
)
MALE_NAMES = _set(
    "james john robert michael william david richard joseph thomas charles christopher daniel "
    "matthew anthony mark donald steven stephen paul andrew joshua kenneth kevin brian george "
    "timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan larry justin "
    "scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry "
    "tyler aaron jose josé adam nathan henry douglas zachary peter kyle ethan walter noah "
    "jeremy christian keith roger terry gerald harold sean carl arthur lawrence dylan jesse "
    "bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy "
    "vincent ralph eugene russell bobby philip louis vladimir paulo pablo bashar tomas tomás "
    "sergei sergey dmitry dmitri vasily vassily mikhail ivan alexei alexey boris igor oleg "
    "yuri nikolai viktor volodymyr petro emmanuel francois françois pierre jacques olaf rishi "
    "keir narendra rahul recep tayyip ali mohammed muhammad mohammad ahmed ahmad hassan "
    "hussein omar khalid abdullah ibrahim yusuf mahmoud mustafa hamid hamad bandar salman "
    "faisal antonio antónio giuseppe mario luigi marco matteo giorgio carlos luis jorge miguel "
    "pedro manuel francisco javier diego rafael fernando ricardo andres andrés alejandro "
    "felipe sebastian hans klaus jürgen jurgen wolfgang friedrich lars nils sven erik anders "
    "mats kofi kwame nelson cyril uhuru abiy rex mike mitch chuck bernie ted tim barack hunter "
    "beto pete rand ron gavin chris nick tom tony steve bill bob rob dan dave jim jon ken matt "
    "ben max leo luke liam oliver harry charlie archie alfie theo oscar freddie hugo toby "
    "dominic kwasi nadhim sajid ed ewan gordon nigel hiroshi takeshi kenji shinzo fumio "
    "yoshihide moon kim jae-in hyun wei jun jian hao arjun vikram ravi sanjay amit deepak "
    "tunde chinedu emeka oluwaseun femi"
)
FIRST_NAMES = FEMALE_NAMES | MALE_NAMES
