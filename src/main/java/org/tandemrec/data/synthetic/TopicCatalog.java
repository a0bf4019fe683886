package org.tandemrec.data.synthetic;

import java.util.List;
import java.util.Objects;

/**
 * The latent topics of the synthetic world with the words that describe them. Every topic has
 * a name (what a cold item's description states outright), about thirty distinctive words and
 * phrases (no phrase belongs to two topics, so text carries the topic signal) and a few
 * capitalised nouns for titles. A world with {@code K} topics uses the first {@code K}.
 */
public final class TopicCatalog {
    /** One topic: its name, descriptive vocabulary and title nouns. */
    public record Topic(String name, List<String> vocabulary, List<String> titleNouns) {
        public Topic {
            Objects.requireNonNull(name, "name");
            vocabulary = List.copyOf(vocabulary);
            titleNouns = List.copyOf(titleNouns);
        }
    }

    private static final List<Topic> TOPICS = List.of(
            new Topic("space exploration", List.of("orbit", "nebula", "rocket launch", "astronaut", "space station",
                    "zero gravity", "mission control", "lunar lander", "asteroid belt", "red planet", "starship",
                    "launch pad", "telescope", "solar wind", "comet", "galaxy", "cosmonaut", "spacewalk", "docking bay",
                    "cryosleep", "warp drive", "exoplanet", "meteor shower", "gravity well", "thrusters", "space suit",
                    "orbital debris", "countdown", "moon base", "star chart"),
                    List.of("Nebula", "Orbit", "Starship", "Comet", "Galaxy", "Voyage", "Horizon", "Eclipse")),
            new Topic("cooking", List.of("recipe", "kitchen", "simmering sauce", "sourdough", "chef", "spice rack",
                    "cast iron skillet", "braised short ribs", "pastry", "fresh herbs", "cutting board", "slow cooker",
                    "garlic", "olive oil", "tasting menu", "dumplings", "roast chicken", "bakery", "marinade",
                    "soup pot", "apron", "dinner party", "caramel", "knife skills", "family feast", "oven", "noodles",
                    "grandmother's cookbook", "street food", "spices"),
                    List.of("Kitchen", "Recipe", "Feast", "Spoon", "Skillet", "Oven", "Pantry", "Supper")),
            new Topic("jazz", List.of("saxophone", "trumpet solo", "smoky club", "bebop", "improvisation",
                    "double bass", "swing band", "blue note", "piano trio", "late-night jam session", "brass section",
                    "big band", "scat singing", "syncopation", "vinyl record", "bandleader", "harlem", "drum brushes",
                    "cool jazz", "jazz standards", "trombone", "muted horn", "backstage", "encore", "chord changes",
                    "nightclub", "clarinet", "groove", "torch song", "rhythm section"),
                    List.of("Saxophone", "Swing", "Bebop", "Trumpet", "Groove", "Club", "Riff", "Blues")),
            new Topic("detective", List.of("murder", "inspector", "clue", "alibi", "crime scene", "fingerprints",
                    "suspect", "interrogation", "private investigator", "locked room", "poison", "witness",
                    "magnifying glass", "stolen necklace", "police precinct", "cold case", "red herring", "confession",
                    "motive", "ransom note", "forensic lab", "stakeout", "double-cross", "missing heiress",
                    "trench coat", "autopsy", "smoking gun", "accomplice", "whodunit", "detective"),
                    List.of("Alibi", "Clue", "Inspector", "Witness", "Verdict", "Suspect", "Motive", "Case")),
            new Topic("medieval fantasy", List.of("dragon", "wizard", "enchanted sword", "castle", "knight", "quest",
                    "sorceress", "elves", "dark lord", "prophecy", "spellbook", "kingdom", "dungeon", "goblins",
                    "magic ring", "throne", "tavern", "bard", "siege", "heir to the crown", "ancient rune",
                    "crystal staff", "griffin", "cursed forest", "squire", "royal court", "potion", "battle axe",
                    "oracle", "realm"),
                    List.of("Dragon", "Sword", "Crown", "Wizard", "Throne", "Realm", "Prophecy", "Castle")),
            new Topic("ocean life", List.of("coral reef", "dolphins", "whale song", "deep sea", "octopus", "tide pools",
                    "sea turtle", "kelp forest", "shark", "jellyfish", "marine biologist", "plankton", "scuba diving",
                    "lighthouse", "shipwreck", "seahorse", "ocean currents", "sandy shore", "lagoon", "sea lion",
                    "migration", "bioluminescence", "submarine", "starfish", "seaweed", "tidal wave", "manta ray",
                    "fishing boat", "seashell", "abyss"),
                    List.of("Reef", "Tide", "Whale", "Lagoon", "Current", "Shell", "Dolphin", "Deep")),
            new Topic("mountain climbing", List.of("summit", "ice axe", "base camp", "glacier", "crampons",
                    "avalanche", "sherpa", "rope team", "altitude sickness", "crevasse", "rock face", "himalaya",
                    "oxygen tank", "ridge line", "belay", "alpine hut", "snowstorm", "carabiner", "north face",
                    "expedition", "frostbite", "chalk bag", "ascent", "cliff", "mountain pass", "rappel", "tent",
                    "peak", "harness", "thin air"),
                    List.of("Summit", "Ridge", "Peak", "Ascent", "Glacier", "Cliff", "Pass", "Avalanche")),
            new Topic("romance", List.of("first kiss", "love letter", "wedding", "heartbreak", "summer romance",
                    "soulmate", "candlelit dinner", "engagement ring", "second chance", "secret admirer", "bride",
                    "honeymoon", "flirting", "true love", "jealousy", "reunion", "sweetheart", "rose petals",
                    "moonlit walk", "proposal", "valentine", "passion", "longing", "broken engagement", "matchmaker",
                    "courtship", "lovers", "slow dance", "butterflies", "forbidden love"),
                    List.of("Heart", "Kiss", "Promise", "Valentine", "Sweetheart", "Wedding", "Rose", "Embrace")),
            new Topic("robotics", List.of("robot", "artificial intelligence", "android", "circuit board",
                    "servo motor", "algorithm", "cyborg", "machine learning", "sensor", "robotic arm", "assembly line",
                    "microchip", "self-driving car", "drone", "neural network", "programming", "laboratory",
                    "engineer", "automation", "humanoid", "hacker", "battery", "hologram", "firmware",
                    "mechanical hand", "source code", "laser", "exoskeleton", "prototype", "factory"),
                    List.of("Circuit", "Android", "Machine", "Code", "Signal", "Gear", "Algorithm", "Cyborg")),
            new Topic("ancient history", List.of("pharaoh", "pyramid", "roman empire", "gladiator", "senate",
                    "papyrus", "chariot", "temple", "archaeologist", "legion", "colosseum", "emperor", "hieroglyphs",
                    "spartans", "ruins", "athens", "trade routes", "mummy", "tomb", "aqueduct", "philosopher",
                    "marble statue", "delphi", "carthage", "toga", "centurion", "babylon", "sphinx", "scrolls", "nile"),
                    List.of("Pharaoh", "Empire", "Legion", "Tomb", "Sphinx", "Temple", "Emperor", "Pyramid")),
            new Topic("gardening", List.of("greenhouse", "seedlings", "compost", "tomato plants", "rose garden",
                    "pruning shears", "flower beds", "vegetable patch", "watering can", "soil", "herb garden",
                    "orchard", "tulip bulbs", "weeds", "fertilizer", "beehive", "hedges", "potting shed", "allotment",
                    "sunflowers", "raised beds", "harvest", "trellis", "earthworms", "lawn", "garden gnome",
                    "perennials", "mulch", "blossoms", "cuttings"),
                    List.of("Garden", "Blossom", "Orchard", "Seed", "Meadow", "Bloom", "Greenhouse", "Harvest")),
            new Topic("horror", List.of("haunted house", "ghost", "vampire", "zombie", "blood", "nightmare",
                    "werewolf", "creepy doll", "cemetery", "demon", "possession", "screams", "dark cellar",
                    "abandoned asylum", "curse", "exorcism", "skeleton", "monster", "shadow figure", "full moon",
                    "witch", "coffin", "terror", "midnight", "seance", "chainsaw", "fog", "graveyard", "evil spirit",
                    "slasher"),
                    List.of("Shadow", "Ghost", "Crypt", "Nightmare", "Grave", "Hollow", "Scream", "Haunting")),
            new Topic("football", List.of("goal", "striker", "penalty kick", "stadium", "world cup", "goalkeeper",
                    "referee", "midfielder", "championship", "coach", "transfer window", "red card", "offside", "fans",
                    "league table", "derby", "hat trick", "locker room", "corner kick", "free kick", "extra time",
                    "team captain", "training ground", "tackle", "relegation", "trophy", "dribbling", "pitch",
                    "season opener", "final whistle"),
                    List.of("Goal", "Striker", "Stadium", "Kickoff", "Derby", "Cup", "Pitch", "Trophy")),
            new Topic("classical music", List.of("symphony", "orchestra", "violin", "conductor", "concerto", "opera",
                    "sonata", "cello", "grand piano", "composer", "mozart", "beethoven", "string quartet",
                    "concert hall", "overture", "soprano", "recital", "conservatory", "baton", "harpsichord", "choir",
                    "aria", "maestro", "sheet music", "crescendo", "bach", "flute", "chamber music", "viola",
                    "requiem"),
                    List.of("Symphony", "Sonata", "Concerto", "Overture", "Aria", "Requiem", "Prelude", "Nocturne")),
            new Topic("wilderness survival", List.of("campfire", "survival kit", "wilderness", "shelter", "hunting",
                    "compass", "forest", "wolves", "river crossing", "bushcraft", "foraging", "hypothermia", "rations",
                    "map", "bear attack", "canoe", "flint", "snare trap", "backpack", "wildfire", "storm",
                    "hiking trail", "rescue", "stranded", "water purification", "pocket knife", "desert island",
                    "rainforest", "wild berries", "signal fire"),
                    List.of("Wild", "Trail", "Frontier", "Ember", "Timber", "Wolf", "Compass", "Shelter")),
            new Topic("financial thriller", List.of("wall street", "stock market", "hedge fund", "insider trading",
                    "investment bank", "fraud", "trading floor", "billionaire", "offshore account", "merger",
                    "bankruptcy", "money laundering", "tax haven", "crypto", "ceo", "boardroom", "auditor",
                    "bull market", "market crash", "shares", "whistleblower", "bonds", "venture capital",
                    "ponzi scheme", "embezzlement", "bailout", "stock options", "private jet", "takeover", "dividends"),
                    List.of("Fortune", "Ledger", "Margin", "Capital", "Market", "Vault", "Tycoon", "Bond")));

    /** Title adjectives shared by all topics. */
    static final List<String> TITLE_ADJECTIVES = List.of("Quiet", "Last", "Hidden", "Silent", "Golden", "Broken",
            "Secret", "Distant", "Crimson", "Lost", "Endless", "Burning", "Frozen", "Gentle", "Wandering", "Final",
            "Bright", "Forgotten", "Restless", "Iron", "Scarlet", "Velvet", "Little", "Long", "Strange", "Second",
            "Northern", "Sudden", "Bitter", "Sweet");

    private TopicCatalog() {
    }

    /** How many topics the catalogue offers: the largest {@code topics} a config may ask for. */
    public static int size() {
        return TOPICS.size();
    }

    public static Topic topic(int index) {
        Objects.checkIndex(index, TOPICS.size());
        return TOPICS.get(index);
    }

    /** The first {@code k} topics' names. */
    public static List<String> names(int k) {
        if (k < 0 || k > TOPICS.size()) {
            throw new IllegalArgumentException("k must be in [0," + TOPICS.size() + "], got " + k);
        }
        return TOPICS.subList(0, k).stream().map(Topic::name).toList();
    }
}
