"""Word pools and label makers: French and English names with accents, acronyms and near-duplicates."""

from __future__ import annotations

import random

# (slug, French label, English label, alpha-2, alpha-3, numeric): real ISO 3166-1 codes.
STATES = [
    ("france", "France", "France", "FR", "FRA", "250"),
    ("germany", "Allemagne", "Germany", "DE", "DEU", "276"),
    ("united-kingdom", "Royaume-Uni", "United Kingdom", "GB", "GBR", "826"),
    ("united-states", "États-Unis d'Amérique", "United States of America", "US", "USA", "840"),
    ("japan", "Japon", "Japan", "JP", "JPN", "392"),
    ("canada", "Canada", "Canada", "CA", "CAN", "124"),
    ("italy", "Italie", "Italy", "IT", "ITA", "380"),
    ("south-korea", "République de Corée", "Republic of Korea", "KR", "KOR", "410"),
    ("singapore", "Singapour", "Singapore", "SG", "SGP", "702"),
    ("australia", "Australie", "Australia", "AU", "AUS", "036"),
    ("china", "Chine", "China", "CN", "CHN", "156"),
    ("india", "Inde", "India", "IN", "IND", "356"),
    ("brazil", "Brésil", "Brazil", "BR", "BRA", "076"),
    ("mexico", "Mexique", "Mexico", "MX", "MEX", "484"),
    ("spain", "Espagne", "Spain", "ES", "ESP", "724"),
    ("netherlands", "Pays-Bas", "Netherlands", "NL", "NLD", "528"),
    ("belgium", "Belgique", "Belgium", "BE", "BEL", "056"),
    ("switzerland", "Suisse", "Switzerland", "CH", "CHE", "756"),
    ("sweden", "Suède", "Sweden", "SE", "SWE", "752"),
    ("norway", "Norvège", "Norway", "NO", "NOR", "578"),
    ("denmark", "Danemark", "Denmark", "DK", "DNK", "208"),
    ("finland", "Finlande", "Finland", "FI", "FIN", "246"),
    ("ireland", "Irlande", "Ireland", "IE", "IRL", "372"),
    ("poland", "Pologne", "Poland", "PL", "POL", "616"),
    ("austria", "Autriche", "Austria", "AT", "AUT", "040"),
    ("portugal", "Portugal", "Portugal", "PT", "PRT", "620"),
    ("greece", "Grèce", "Greece", "GR", "GRC", "300"),
    ("czechia", "Tchéquie", "Czechia", "CZ", "CZE", "203"),
    ("hungary", "Hongrie", "Hungary", "HU", "HUN", "348"),
    ("romania", "Roumanie", "Romania", "RO", "ROU", "642"),
    ("estonia", "Estonie", "Estonia", "EE", "EST", "233"),
    ("israel", "Israël", "Israel", "IL", "ISR", "376"),
    ("turkey", "Türkiye", "Türkiye", "TR", "TUR", "792"),
    ("saudi-arabia", "Arabie saoudite", "Saudi Arabia", "SA", "SAU", "682"),
    ("united-arab-emirates", "Émirats arabes unis", "United Arab Emirates", "AE", "ARE", "784"),
    ("qatar", "Qatar", "Qatar", "QA", "QAT", "634"),
    ("egypt", "Égypte", "Egypt", "EG", "EGY", "818"),
    ("morocco", "Maroc", "Morocco", "MA", "MAR", "504"),
    ("senegal", "Sénégal", "Senegal", "SN", "SEN", "686"),
    ("nigeria", "Nigéria", "Nigeria", "NG", "NGA", "566"),
    ("kenya", "Kenya", "Kenya", "KE", "KEN", "404"),
    ("rwanda", "Rwanda", "Rwanda", "RW", "RWA", "646"),
    ("south-africa", "Afrique du Sud", "South Africa", "ZA", "ZAF", "710"),
    ("cote-d-ivoire", "Côte d'Ivoire", "Côte d'Ivoire", "CI", "CIV", "384"),
    ("indonesia", "Indonésie", "Indonesia", "ID", "IDN", "360"),
    ("philippines", "Philippines", "Philippines", "PH", "PHL", "608"),
    ("vietnam", "Viêt Nam", "Viet Nam", "VN", "VNM", "704"),
    ("thailand", "Thaïlande", "Thailand", "TH", "THA", "764"),
    ("malaysia", "Malaisie", "Malaysia", "MY", "MYS", "458"),
    ("new-zealand", "Nouvelle-Zélande", "New Zealand", "NZ", "NZL", "554"),
    ("chile", "Chili", "Chile", "CL", "CHL", "152"),
    ("argentina", "Argentine", "Argentina", "AR", "ARG", "032"),
    ("colombia", "Colombie", "Colombia", "CO", "COL", "170"),
    ("peru", "Pérou", "Peru", "PE", "PER", "604"),
    ("ukraine", "Ukraine", "Ukraine", "UA", "UKR", "804"),
    ("luxembourg", "Luxembourg", "Luxembourg", "LU", "LUX", "442"),
    ("iceland", "Islande", "Iceland", "IS", "ISL", "352"),
    ("lithuania", "Lituanie", "Lithuania", "LT", "LTU", "440"),
    ("slovenia", "Slovénie", "Slovenia", "SI", "SVN", "705"),
    ("croatia", "Croatie", "Croatia", "HR", "HRV", "191"),
]

# (slug, French label, English label)
CITIES = [
    ("paris", "Paris", "Paris"),
    ("seoul", "Séoul", "Seoul"),
    ("geneve", "Genève", "Geneva"),
    ("montreal", "Montréal", "Montreal"),
    ("bruxelles", "Bruxelles", "Brussels"),
    ("tokyo", "Tokyo", "Tokyo"),
    ("sao-paulo", "São Paulo", "São Paulo"),
    ("quebec", "Québec", "Quebec City"),
    ("bogota", "Bogotá", "Bogotá"),
    ("zurich", "Zurich", "Zürich"),
    ("londres", "Londres", "London"),
    ("pekin", "Pékin", "Beijing"),
    ("new-delhi", "New Delhi", "New Delhi"),
    ("dakar", "Dakar", "Dakar"),
    ("kigali", "Kigali", "Kigali"),
    ("reykjavik", "Reykjavik", "Reykjavík"),
    ("copenhague", "Copenhague", "Copenhagen"),
    ("vienne", "Vienne", "Vienna"),
    ("lisbonne", "Lisbonne", "Lisbon"),
    ("athenes", "Athènes", "Athens"),
    ("varsovie", "Varsovie", "Warsaw"),
    ("mexico-city", "Mexico", "Mexico City"),
    ("le-caire", "Le Caire", "Cairo"),
    ("abou-dabi", "Abou Dabi", "Abu Dhabi"),
]

# Series of meetings: (French, English), each edition "… (City, year)".
SERIES = [
    ("Sommet sur la sécurité de l'IA", "AI Safety Summit"),
    ("Sommet pour l'action sur l'IA", "AI Action Summit"),
    ("Forum mondial sur l'éthique de l'IA", "Global Forum on the Ethics of AI"),
    ("Conférence ministérielle sur l'IA de confiance", "Ministerial Conference on Trustworthy AI"),
    ("Dialogue international sur la gouvernance des algorithmes", "International Dialogue on Algorithm Governance"),
    ("Rencontres de l'IA responsable", "Responsible AI Meetings"),
    ("Sommet numérique francophone", "Francophone Digital Summit"),
    ("Forum sur l'IA au service du développement durable", "Forum on AI for Sustainable Development"),
]

# Company names: stem + suffix; some stems share a prefix (near-duplicates for fuzzy matching).
COMPANY_STEMS = [
    "Aurore",
    "Aurora",
    "Boréal",
    "Borealis",
    "Céleste",
    "Celestia",
    "Némésis",
    "Nexa",
    "Nexus",
    "Orion",
    "Oréon",
    "Lumière",
    "Lumina",
    "Équinoxe",
    "Equinox",
    "Zéphyr",
    "Zephyra",
    "Mistral",
    "Mistrale",
    "Sirocco",
    "Alizé",
    "Hélios",
    "Helion",
    "Pégase",
    "Pegasus",
    "Athéna",
    "Athena",
    "Cassiopée",
    "Vega",
    "Véga",
    "Altaïr",
    "Kōan",
    "Sōra",
    "Naïade",
    "Dryade",
    "Écume",
    "Quasar",
    "Pulsar",
    "Éclair",
    "Éther",
    "Arès",
    "Icare",
    "Prisme",
    "Prism",
]
COMPANY_SUFFIXES = ["AI", "IA", "Labs", "Systems", "Intelligence", "Technologies", "Robotics", "Analytics", "Data"]
ADJECTIVES = [
    ("numérique", "Digital"),
    ("algorithmique", "Algorithmic"),
    ("éthique", "Ethical"),
    ("sûre", "Safe"),
    ("de confiance", "Trustworthy"),
    ("responsable", "Responsible"),
    ("inclusive", "Inclusive"),
    ("ouverte", "Open"),
    ("durable", "Sustainable"),
    ("souveraine", "Sovereign"),
]
ORG_KINDS = [
    ("Agence {adj_fr} de l'IA", "{adj} AI Agency", "InternationalOrganisation"),
    (
        "Observatoire international de l'IA {adj_fr}",
        "International Observatory on {adj} AI",
        "InternationalOrganisation",
    ),
    ("Partenariat mondial pour une IA {adj_fr}", "Global Partnership for {adj} AI", "IntergovernmentalForum"),
    ("Conseil consultatif sur l'IA {adj_fr}", "Advisory Council on {adj} AI", "OrganisationalBody"),
    ("Institut de sécurité de l'IA ({state})", "AI Safety Institute ({state_en})", "AISafetyInstitute"),
    ("Ministère du Numérique ({state})", "Ministry of Digital Affairs ({state_en})", "Ministry"),
]
INSTRUMENTS = [
    ("Declaration", "Déclaration de {city} sur l'IA {adj_fr}", "{city_en} Declaration on {adj} AI"),
    ("VoluntaryCommitments", "Engagements de {city} pour une IA {adj_fr}", "{city_en} Commitments for {adj} AI"),
    ("Principles", "Principes de {city} pour une IA {adj_fr}", "{city_en} Principles for {adj} AI"),
    ("CodeOfConduct", "Code de conduite de {city} pour une IA {adj_fr}", "{city_en} Code of Conduct for {adj} AI"),
    ("Compact", "Pacte de {city} pour une IA {adj_fr}", "{city_en} Compact for {adj} AI"),
]
# Commitment wordings (French, as a source states them) and their English labels.
COMMITMENTS = [
    (
        "publier un cadre de sécurité décrivant l'évaluation des risques de leurs modèles",
        "publish a safety framework describing how model risks are assessed",
    ),
    (
        "définir des seuils de risque jugés intolérables avant tout déploiement",
        "define risk thresholds deemed intolerable before any deployment",
    ),
    (
        "faire évaluer leurs modèles d'avant-garde par des tiers indépendants",
        "have their frontier models evaluated by independent third parties",
    ),
    (
        "partager les informations sur les incidents graves avec les autorités compétentes",
        "share information on serious incidents with the competent authorities",
    ),
    (
        "investir dans la cybersécurité et la protection des poids des modèles",
        "invest in cybersecurity and the protection of model weights",
    ),
    ("signaler clairement les contenus générés par l'IA", "clearly label AI-generated content"),
    ("réduire l'empreinte énergétique de l'entraînement des modèles", "reduce the energy footprint of model training"),
    ("associer la société civile à l'élaboration des normes", "involve civil society in drafting standards"),
    ("garantir l'accès des chercheurs aux données de sécurité", "guarantee researchers' access to safety data"),
    ("former les agents publics aux usages de l'IA", "train public servants in the uses of AI"),
    (
        "soutenir les pays en développement dans le renforcement des capacités",
        "support developing countries in capacity building",
    ),
    (
        "respecter les droits de la personne tout au long du cycle de vie des systèmes",
        "respect human rights throughout the systems' life cycle",
    ),
]
# govkg's own concepts (ontology/themes.ttl) and their French labels.
THEMES = [
    ("theme-safety", "sécurité de l'IA"),
    ("theme-innovation", "innovation"),
    ("theme-inclusion", "inclusion"),
    ("theme-trustworthy-ai", "IA de confiance"),
    ("theme-human-centric-ai", "IA centrée sur l'humain"),
    ("theme-risk-based-approach", "approche fondée sur les risques"),
    ("theme-sustainable-development", "développement durable"),
    ("theme-security", "sécurité des systèmes d'IA"),
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def company_label(rng: random.Random) -> tuple[str, str, list[str]]:
    """A company's French and English labels and its aliases."""
    stem, suffix = rng.choice(COMPANY_STEMS), rng.choice(COMPANY_SUFFIXES)
    en = f"{stem} {suffix}"
    fr = f"{stem} {'IA' if suffix == 'AI' else suffix}"
    aliases = [f"{stem}.{suffix.lower()}"] if rng.random() < 0.3 else []
    return fr, en, aliases


def french_date(iso: str) -> str:
    """'2024-05-21' → '21 mai 2024'."""
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
