/*
 * demo_data.c - the static catalog, clinics, staff and name parts of the
 * demo practice "Glow Aesthetics".
 *
 * Pure data, no code and no I/O: app/demo.c reads these tables to seed a
 * demo account. Every count is derived from its array with sizeof so the
 * two can never drift apart. Invariants: amounts are integer cents, SKUs
 * are unique and upper-case, every service and product category names an
 * entry of demo_categories, and demo_products[].stock has one slot per
 * entry of demo_clinics, in the same order. Services are not taxable (most
 * US states exempt them); retail products are.
 */
#include "app/demo_data.h"

#include "base/assert.h"

const struct demo_clinic demo_clinics[] = {
    {
        .name = "Glow Aesthetics - Austin",
        .line1 = "2410 S Lamar Blvd, Suite 140",
        .city = "Austin",
        .state = "TX",
        .postal_code = "78704",
        .timezone = "America/Chicago",
        .tax_rate_bps = 825,
    },
    {
        .name = "Glow Aesthetics - Scottsdale",
        .line1 = "7135 E Camelback Rd, Suite 215",
        .city = "Scottsdale",
        .state = "AZ",
        .postal_code = "85251",
        .timezone = "America/Phoenix",
        .tax_rate_bps = 805,
    },
};
const size_t demo_clinic_count = sizeof(demo_clinics) / sizeof(demo_clinics[0]);

/* demo_product.stock is a fixed array with one slot per clinic. */
STATIC_ASSERT(sizeof(demo_clinics) / sizeof(demo_clinics[0]) == 2,
              "demo_product.stock needs one slot per demo clinic");

const struct demo_user demo_users[] = {
    {"Dr. Maya Chen", "owner@glow.example", "head_admin"},
    {"Daniel Okafor", "daniel.okafor@glow.example", "admin"},
    {"Sarah Mitchell, RN", "sarah.mitchell@glow.example", "provider"},
    {"Lucia Ramirez, LE", "lucia.ramirez@glow.example", "provider"},
    {"Jordan Blake", "jordan.blake@glow.example", "front_desk"},
};
const size_t demo_user_count = sizeof(demo_users) / sizeof(demo_users[0]);

const struct demo_category demo_categories[] = {
    {"Neurotoxins"},    {"Dermal Fillers"}, {"Facials"},  {"Laser"},
    {"Chemical Peels"}, {"Body"},           {"Skincare"}, {"Wellness"},
};
const size_t demo_category_count = sizeof(demo_categories) /
                                   sizeof(demo_categories[0]);

/* Columns: name, category, price in cents, duration in minutes, taxable. */
const struct demo_service demo_services[] = {
    {"Botox (per unit)", "Neurotoxins", 1400, 15, false},
    {"Dysport (per unit)", "Neurotoxins", 500, 15, false},
    {"Xeomin (per unit)", "Neurotoxins", 1200, 15, false},
    {"Daxxify (per unit)", "Neurotoxins", 1100, 15, false},
    {"Juvederm Ultra XC (1 syringe)", "Dermal Fillers", 75000, 45, false},
    {"Juvederm Voluma XC (1 syringe)", "Dermal Fillers", 85000, 45, false},
    {"Restylane Lyft (1 syringe)", "Dermal Fillers", 80000, 45, false},
    {"Restylane Kysse (1 syringe)", "Dermal Fillers", 72500, 45, false},
    {"RHA 2 (1 syringe)", "Dermal Fillers", 72500, 45, false},
    {"Sculptra (1 vial)", "Dermal Fillers", 90000, 45, false},
    {"Kybella (1 vial)", "Dermal Fillers", 60000, 30, false},
    {"HydraFacial Signature", "Facials", 19900, 30, false},
    {"HydraFacial Deluxe", "Facials", 27900, 45, false},
    {"HydraFacial Platinum", "Facials", 34900, 60, false},
    {"Dermaplaning", "Facials", 9500, 30, false},
    {"Microneedling (SkinPen)", "Facials", 35000, 60, false},
    {"PRP Add-On", "Facials", 25000, 30, false},
    {"Laser Hair Removal - Small Area", "Laser", 15000, 15, false},
    {"Laser Hair Removal - Medium Area", "Laser", 25000, 30, false},
    {"Laser Hair Removal - Large Area", "Laser", 40000, 45, false},
    {"IPL Photofacial", "Laser", 35000, 45, false},
    {"Moxi Laser (Full Face)", "Laser", 60000, 45, false},
    {"Halo Laser (Full Face)", "Laser", 150000, 90, false},
    {"VI Peel", "Chemical Peels", 35000, 30, false},
    {"Glycolic Peel", "Chemical Peels", 12500, 30, false},
    {"CoolSculpting (per cycle)", "Body", 75000, 45, false},
    {"Vitamin B12 Injection", "Wellness", 3500, 10, false},
    {"Aesthetic Consultation", "Wellness", 0, 30, false},
};
const size_t demo_service_count = sizeof(demo_services) /
                                  sizeof(demo_services[0]);

/*
 * Retail prices are typical US list prices; cost is the practice's
 * wholesale price, roughly half of retail. stock[0] is Austin and
 * stock[1] is Scottsdale.
 */
const struct demo_product demo_products[] = {
    {
        .sku = "SKM-CEFERULIC",
        .name = "SkinCeuticals C E Ferulic 30 mL",
        .category = "Skincare",
        .price_minor = 18200,
        .cost_minor = 10900,
        .taxable = true,
        .stock = {24, 18},
    },
    {
        .sku = "SKM-PHLORETINCF",
        .name = "SkinCeuticals Phloretin CF 30 mL",
        .category = "Skincare",
        .price_minor = 18200,
        .cost_minor = 10900,
        .taxable = true,
        .stock = {12, 0},
    },
    {
        .sku = "SKM-HAINTENSIFIER",
        .name = "SkinCeuticals H.A. Intensifier 30 mL",
        .category = "Skincare",
        .price_minor = 11200,
        .cost_minor = 6700,
        .taxable = true,
        .stock = {15, 9},
    },
    {
        .sku = "SMD-TNSADVPLUS",
        .name = "SkinMedica TNS Advanced+ Serum 1 oz",
        .category = "Skincare",
        .price_minor = 29800,
        .cost_minor = 17900,
        .taxable = true,
        .stock = {10, 14},
    },
    {
        .sku = "SMD-HA5",
        .name = "SkinMedica HA5 Hydrator 2 oz",
        .category = "Skincare",
        .price_minor = 17800,
        .cost_minor = 10700,
        .taxable = true,
        .stock = {8, 11},
    },
    {
        .sku = "ELT-UVCLEAR46",
        .name = "EltaMD UV Clear SPF 46 1.7 oz",
        .category = "Skincare",
        .price_minor = 4500,
        .cost_minor = 2250,
        .taxable = true,
        .stock = {40, 36},
    },
    {
        .sku = "ELT-UVPHYSICAL41",
        .name = "EltaMD UV Physical SPF 41 3 oz",
        .category = "Skincare",
        .price_minor = 3900,
        .cost_minor = 1950,
        .taxable = true,
        .stock = {22, 30},
    },
    {
        .sku = "ALA-RESTORATIVE",
        .name = "Alastin Restorative Skin Complex 1 oz",
        .category = "Skincare",
        .price_minor = 22500,
        .cost_minor = 12400,
        .taxable = true,
        .stock = {9, 6},
    },
    {
        .sku = "ALA-HYDRATINT36",
        .name = "Alastin HydraTint Pro Mineral SPF 36",
        .category = "Skincare",
        .price_minor = 6200,
        .cost_minor = 3100,
        .taxable = true,
        .stock = {18, 25},
    },
    {
        .sku = "ZO-GENTLECLEANSER",
        .name = "ZO Skin Health Gentle Cleanser 200 mL",
        .category = "Skincare",
        .price_minor = 4800,
        .cost_minor = 2400,
        .taxable = true,
        .stock = {20, 16},
    },
    {
        .sku = "ZO-RETINOL1",
        .name = "ZO Skin Health Retinol Skin Brightener 1%",
        .category = "Skincare",
        .price_minor = 14000,
        .cost_minor = 7000,
        .taxable = true,
        .stock = {7, 5},
    },
    {
        .sku = "OBG-PROC20",
        .name = "Obagi Professional-C Serum 20% 1 oz",
        .category = "Skincare",
        .price_minor = 14000,
        .cost_minor = 7000,
        .taxable = true,
        .stock = {0, 8},
    },
    {
        .sku = "REV-DEJEYE",
        .name = "Revision Skincare D.E.J. Eye Cream 0.5 oz",
        .category = "Skincare",
        .price_minor = 11000,
        .cost_minor = 5500,
        .taxable = true,
        .stock = {6, 10},
    },
    {
        .sku = "LAT-5ML",
        .name = "Latisse 0.03% 5 mL",
        .category = "Skincare",
        .price_minor = 18500,
        .cost_minor = 11100,
        .taxable = true,
        .stock = {4, 3},
    },
};
const size_t demo_product_count = sizeof(demo_products) /
                                  sizeof(demo_products[0]);

const char *const demo_first_names[] = {
    "Emma",      "Olivia",  "Sophia",  "Isabella",    "Ava",       "Mia",
    "Charlotte", "Amelia",  "Harper",  "Evelyn",      "Abigail",   "Emily",
    "Madison",   "Chloe",   "Grace",   "Victoria",    "Natalie",   "Hannah",
    "Zoe",       "Lily",    "Aaliyah", "Priya",       "Aisha",     "Mei",
    "Yuki",      "Fatima",  "Camila",  "Valentina",   "Ximena",    "Gabriela",
    "Daniela",   "Jasmine", "Keisha",  "Imani",       "Nia",       "Ananya",
    "Leila",     "Noor",    "Hana",    "Jennifer",    "Jessica",   "Ashley",
    "Nicole",    "Megan",   "Lauren",  "Rachel",      "Stephanie", "Rebecca",
    "Michael",   "David",   "James",   "Christopher", "Matthew",   "Andrew",
    "Marcus",    "Wei",     "Carlos",  "Diego",       "Omar",      "Kwame",
};
const size_t demo_first_name_count = sizeof(demo_first_names) /
                                     sizeof(demo_first_names[0]);

const char *const demo_last_names[] = {
    "Smith",    "Johnson", "Williams",  "Brown",    "Jones",     "Garcia",
    "Miller",   "Davis",   "Rodriguez", "Martinez", "Hernandez", "Lopez",
    "Gonzalez", "Wilson",  "Anderson",  "Thomas",   "Taylor",    "Moore",
    "Jackson",  "Martin",  "Lee",       "Perez",    "Thompson",  "White",
    "Harris",   "Sanchez", "Clark",     "Lewis",    "Robinson",  "Walker",
    "Young",    "Allen",   "King",      "Wright",   "Scott",     "Torres",
    "Nguyen",   "Hill",    "Flores",    "Green",    "Adams",     "Nelson",
    "Baker",    "Hall",    "Rivera",    "Campbell", "Carter",    "Roberts",
    "Patel",    "Kim",     "Wang",      "Singh",    "Nakamura",  "Cohen",
    "Kowalski", "Haddad",  "Johansson", "Ali",      "Tran",      "Shah",
};
const size_t demo_last_name_count = sizeof(demo_last_names) /
                                    sizeof(demo_last_names[0]);
