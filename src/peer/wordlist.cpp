// The invite-code word list: 1024 short, plain English words (3-7 lowercase letters), chosen
// to be easy to say and spell, warm or neutral, with no two words that sound alike and no
// British/American spelling variants. Sorted, so lookups can use binary search.
// The list is part of the wire protocol (the code is the CPace password): never edit it.
#include "peer/wordlist.hpp"

#include <algorithm>
#include <array>

namespace pairspace::peer {
namespace {

constexpr std::array<std::string_view, word_count> words = {
    "acorn", "agile", "album", "almond", "alpaca", "amber", "anchor", "ant", "antler", "apple",
    "apricot", "apron", "arch", "aspen", "atlas", "attic", "auburn", "aurora", "autumn",
    "avocado", "azure", "baboon", "badge", "badger", "bag", "bagel", "bake", "bakery", "balcony",
    "ballad", "ballet", "balloon", "bamboo", "banana", "banjo", "bark", "barley", "barn",
    "barrel", "basil", "basin", "basket", "bay", "beach", "beacon", "bead", "beagle", "beam",
    "bean", "bear", "bee", "beet", "beetle", "bell", "bench", "berry", "bike", "birch", "biscuit",
    "bison", "black", "blanket", "blaze", "blender", "blimp", "bloom", "blossom", "blue", "blush",
    "boat", "bobcat", "bold", "bonfire", "bongo", "book", "boot", "bottle", "boulder", "bouncy",
    "bowl", "box", "bramble", "branch", "brass", "brave", "bread", "breeze", "breezy", "brick",
    "bridge", "bright", "brisk", "bronze", "brook", "broom", "brownie", "brush", "bubble",
    "bucket", "bud", "buffalo", "bugle", "build", "bun", "bunny", "burrow", "bus", "butter",
    "buttery", "button", "cabbage", "cabin", "cabinet", "cactus", "cake", "calf", "calm", "camel",
    "camera", "canal", "canary", "candle", "candy", "canoe", "canopy", "canvas", "canyon", "cap",
    "cape", "caramel", "carpet", "carrot", "cart", "cashew", "castle", "cat", "catfish", "cave",
    "cavern", "cedar", "cello", "chai", "chair", "chalk", "chapel", "charm", "cheddar", "cheer",
    "cheery", "cheese", "cherry", "chess", "chewy", "chick", "chime", "chimney", "chimp",
    "chirpy", "chive", "chorus", "cider", "circle", "city", "clam", "clap", "clay", "clever",
    "cliff", "climb", "clock", "closet", "cloud", "cloudy", "clover", "coast", "coat", "cobalt",
    "cocoa", "coconut", "cod", "coffee", "coin", "collie", "colt", "column", "comb", "comet",
    "comfy", "compass", "condor", "cone", "cook", "cookie", "cool", "copper", "coral", "corgi",
    "corn", "corner", "cosmos", "cottage", "cotton", "couch", "cove", "cow", "crab", "cracker",
    "cradle", "craft", "crane", "crate", "crayon", "cream", "creamy", "creek", "cricket",
    "crimson", "crisp", "crow", "crown", "crumb", "crumble", "crunchy", "crust", "crystal",
    "cuddly", "cup", "cupcake", "curry", "curtain", "cushion", "custard", "daisy", "dance",
    "dash", "date", "dawn", "deck", "deer", "delta", "den", "denim", "dew", "dill", "dingo",
    "disco", "dock", "dog", "doll", "dolphin", "dome", "domino", "donkey", "door", "dove", "draw",
    "drawer", "dream", "dreamy", "dresser", "drift", "drizzle", "drum", "duck", "dune", "dusk",
    "eager", "eagle", "easel", "eclipse", "egg", "elf", "elk", "elm", "ember", "emerald", "emu",
    "eraser", "evening", "explore", "fable", "falcon", "fancy", "farm", "fawn", "feather",
    "fence", "fennel", "fern", "ferret", "ferry", "feta", "fiddle", "field", "fig", "fin",
    "finch", "firefly", "flag", "flame", "flask", "flint", "float", "floor", "fluffy", "flurry",
    "flute", "foal", "foam", "fog", "foggy", "forest", "fork", "fox", "frame", "fresh", "frog",
    "frost", "frosty", "fruity", "fudge", "funny", "fuzzy", "galaxy", "garden", "garlic",
    "garnet", "gate", "gather", "gazebo", "gazelle", "gecko", "gelato", "gem", "gentle", "gerbil",
    "giant", "gift", "giggle", "ginger", "giraffe", "glacier", "gleeful", "glen", "glide",
    "glider", "glimmer", "glitter", "globe", "glossy", "glove", "glow", "goat", "goblet", "gold",
    "golden", "goose", "gorge", "gorilla", "grand", "granite", "granola", "grape", "grassy",
    "gravel", "gravy", "green", "griffin", "grill", "grove", "guava", "guitar", "gull", "gumdrop",
    "guppy", "gust", "hail", "halo", "hammer", "hammock", "hamster", "handle", "happy", "hare",
    "harmony", "harp", "harvest", "hat", "hawk", "hazel", "hearth", "hearty", "heather", "hedge",
    "hen", "herb", "heron", "herring", "hike", "hill", "hinge", "hippo", "hive", "hollow",
    "holly", "honest", "honey", "hoof", "hop", "hope", "hopeful", "horizon", "horn", "horse",
    "hound", "hug", "hum", "humble", "husky", "hut", "icicle", "icy", "igloo", "impala", "indigo",
    "ink", "inlet", "iris", "iron", "island", "ivory", "ivy", "jacket", "jade", "jaguar", "jam",
    "jar", "jasmine", "jay", "jazz", "jazzy", "jelly", "jet", "jewel", "jigsaw", "jolly",
    "journal", "journey", "joyful", "jug", "juice", "juicy", "jumbo", "jump", "juniper", "kale",
    "kayak", "kazoo", "keen", "kettle", "key", "kind", "kingdom", "kite", "kitten", "kiwi",
    "koala", "koi", "ladder", "ladle", "ladybug", "lagoon", "lake", "lamb", "lamp", "lane",
    "lantern", "lark", "latch", "latte", "laugh", "leaf", "leafy", "ledge", "leek", "lemon",
    "lemur", "lens", "lentil", "leopard", "letter", "lettuce", "library", "lilac", "lily", "lime",
    "linen", "lion", "little", "lively", "lizard", "llama", "loaf", "lobster", "locket", "lodge",
    "loom", "lotus", "lovely", "loyal", "lucky", "lunar", "magenta", "magic", "magnet", "magpie",
    "mailbox", "manatee", "mango", "mantis", "map", "maple", "marble", "mare", "marker", "market",
    "marlin", "marsh", "meadow", "meerkat", "mellow", "melody", "melon", "merry", "meteor",
    "mighty", "milk", "minnow", "mint", "minty", "mirror", "miso", "mist", "misty", "mitten",
    "mocha", "mole", "monkey", "moon", "moonlit", "moose", "morning", "mosaic", "moss", "mossy",
    "moth", "mouse", "muffin", "mug", "mural", "museum", "mustang", "mustard", "nap", "napkin",
    "narwhal", "navy", "neat", "nebula", "nectar", "needle", "nest", "newt", "nimble", "noble",
    "nod", "noodle", "noon", "note", "notepad", "nutmeg", "oak", "oar", "oasis", "oatmeal",
    "oats", "oboe", "octopus", "olive", "onion", "opal", "opera", "orange", "orbit", "orca",
    "orchard", "orchid", "organ", "origami", "ostrich", "otter", "oven", "owl", "oyster",
    "paddle", "page", "pagoda", "paint", "palace", "palm", "pan", "pancake", "panda", "papaya",
    "paper", "paprika", "parcel", "park", "parrot", "parsley", "pasta", "pastel", "pastry",
    "pasture", "path", "patient", "patio", "peach", "peak", "peanut", "pearl", "pebble", "pecan",
    "pelican", "pen", "pencil", "penguin", "pepper", "peppy", "perch", "perky", "pesto", "petal",
    "piano", "piccolo", "pickle", "picnic", "pie", "pier", "pigeon", "piglet", "pike", "pillar",
    "pillow", "pine", "pink", "pita", "pitcher", "pixie", "pizza", "plane", "planet", "plank",
    "plant", "plate", "platter", "playful", "plaza", "plucky", "plum", "pocket", "poem", "polite",
    "polka", "pollen", "pond", "pony", "poodle", "pool", "popcorn", "poppy", "porch", "possum",
    "poster", "pot", "potato", "pottery", "prairie", "prawn", "pretzel", "prism", "proud",
    "prune", "pudding", "puddle", "puffin", "puma", "pumpkin", "puppet", "puppy", "purple",
    "purse", "puzzle", "quail", "quest", "quiet", "quill", "quilt", "quince", "quirky", "rabbit",
    "radio", "radish", "raft", "rain", "rainbow", "rainy", "raisin", "rake", "ramen", "raven",
    "ray", "red", "reed", "reef", "relish", "rhino", "ribbon", "rice", "riddle", "ridge", "ring",
    "ripe", "ripple", "river", "roam", "robin", "robot", "rock", "rocket", "rocky", "roll",
    "roof", "rooster", "root", "rope", "rosebud", "rosy", "royal", "ruby", "rug", "ruler", "rust",
    "rustic", "saddle", "sage", "sail", "salad", "salmon", "salsa", "salt", "salty", "samba",
    "sand", "sandal", "sandbox", "sandy", "sapling", "sardine", "sauce", "saucer", "scallop",
    "scarf", "scarlet", "scone", "scooter", "scroll", "seal", "season", "seed", "seesaw",
    "sequin", "serene", "share", "shed", "sheep", "shelf", "shell", "shimmer", "shine", "shiny",
    "ship", "shore", "shovel", "shower", "shrimp", "shrub", "silk", "silky", "silver", "sing",
    "skate", "sketch", "ski", "skip", "sky", "slate", "sled", "sleepy", "sleet", "slide",
    "slipper", "slope", "sloth", "smile", "snail", "snap", "snow", "snowman", "snowy", "snug",
    "soap", "soar", "sock", "soda", "sofa", "soft", "soil", "solar", "song", "sonnet", "sorbet",
    "soup", "spark", "sparkle", "sparrow", "spice", "spicy", "spinach", "spire", "splash",
    "sponge", "spool", "spoon", "spray", "spring", "sprint", "sprout", "square", "squash",
    "stamp", "star", "starry", "statue", "steady", "stem", "stencil", "stew", "sticker", "stone",
    "stony", "stool", "stork", "story", "stove", "stream", "street", "string", "stroll", "studio",
    "sturdy", "sugar", "sugary", "summer", "summit", "sunbeam", "sundial", "sunlit", "sunny",
    "sunrise", "sunset", "sushi", "swallow", "swan", "sweater", "sweet", "swift", "swim", "swing",
    "syrup", "tabby", "table", "taco", "tadpole", "tail", "tall", "tan", "tango", "tangy", "tape",
    "tart", "taxi", "tea", "teacup", "teal", "teapot", "teddy", "temple", "tender", "tent",
    "terrace", "terrier", "thaw", "thicket", "thimble", "thistle", "thread", "thunder", "thyme",
    "tiara", "ticket", "tide", "tidy", "tiger", "tile", "tin", "tiny", "toad", "toast", "toaster",
    "toasty", "toffee", "tofu", "tomato", "topaz", "torch", "toucan", "towel", "tower", "town",
    "tractor", "trail", "train", "tram", "travel", "tray", "trophy", "trout", "truck", "truffle",
    "trumpet", "trunk", "tuba", "tugboat", "tulip", "tuna", "tundra", "tune", "tunnel", "turkey",
    "turnip", "turtle", "twig", "twinkle", "unicorn", "valley", "van", "vanilla", "vase", "vast",
    "velvet", "villa", "village", "vine", "violet", "violin", "vivid", "vole", "voyage", "wafer",
    "waffle", "wagon", "wall", "wallet", "walnut", "walrus", "waltz", "wander", "warm", "watch",
    "wave", "whale", "wheat", "wheel", "whisk", "whisker", "whistle", "white", "wide", "willow",
    "wind", "window", "windy", "wink", "winter", "wise", "wish", "witty", "wizard", "wok", "wolf",
    "wombat", "wonder", "wool", "wren", "yak", "yam", "yarn", "yellow", "zebra", "zesty", "zinc",
    "zipper", "zippy",
};

static_assert(words.size() == word_count);

}  // namespace

std::span<const std::string_view> word_list() { return words; }

std::optional<std::size_t> word_index(std::string_view word) {
  const auto* it = std::lower_bound(words.begin(), words.end(), word);
  if (it == words.end() || *it != word) return std::nullopt;
  return static_cast<std::size_t>(it - words.begin());
}

}  // namespace pairspace::peer
