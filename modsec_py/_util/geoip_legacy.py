"""A reader for MaxMind's legacy GeoIP databases (``GeoIP.dat``, ``GeoLiteCity.dat``), as v2 reads them.

ModSecurity 2 does not use libGeoIP: ``msc_geo.c`` walks the file itself, and this module
copies it. The file is a binary tree of 6-byte nodes (two 3-byte little-endian records; a
record at or above the "country offset" is a leaf), optionally followed by a structure
info block: ``FF FF FF``, the edition byte (minus 105 when >= 106) and, for city/org/ISP/ASN
editions, a 3-byte segment count that is the country offset. Only IPv4 is looked up.

* Country editions: the leaf is ``offset + country index``.
* City editions (rev0 = 6, rev1 = 2): the leaf points into the record area at ``leaf +
  5 x segments``: country index, region, city and postal code (NUL-terminated), latitude
  and longitude (3 bytes each, ``/ 10000 - 180``), and for rev1 US records a 3-byte
  ``dma_code x 1000 + area_code``.

:func:`lookup` returns a :class:`GeoRecord` or a :class:`GeoMiss` carrying v2's reason.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass

COUNTRY_EDITION = 1
CITY_EDITION_REV1 = 2
REGION_EDITION_REV1 = 3
ISP_EDITION = 4
ORG_EDITION = 5
CITY_EDITION_REV0 = 6
REGION_EDITION_REV0 = 7
PROXY_EDITION = 8
ASNUM_EDITION = 9
NETSPEED_EDITION = 10

COUNTRY_BEGIN = 16776960
STATE_BEGIN_REV0 = 16700000
STATE_BEGIN_REV1 = 16000000
STRUCTURE_INFO_MAX_SIZE = 20
CITY_RECORD_LENGTH = 50

COUNTRY_CODES = (
    "--",
    "AP", "EU", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AN", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AZ", "BA",
    "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BM", "BN", "BO", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CX", "CY", "CZ", "DE", "DJ",
    "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "FX", "GA",
    "GB", "GD", "GE", "GF", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IN", "IO", "IQ", "IR", "IS", "IT", "JM", "JO", "JP", "KE", "KG", "KH",
    "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX",
    "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RU", "RW", "SA", "SB", "SC", "SD",
    "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "ST", "SV", "SY", "SZ", "TC", "TD", "TF", "TG",
    "TH", "TJ", "TK", "TM", "TN", "TO", "TL", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA",
    "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "RS", "ZA", "ZM", "ME", "ZW", "A1", "A2", "O1", "AX",
    "GG", "IM", "JE", "BL", "BQ", "CW", "MF", "SS", "SX",
)
COUNTRY_CODES3 = (
    "--",
    "AP", "EU", "AND", "ARE", "AFG", "ATG", "AIA", "ALB", "ARM", "ANT", "AGO", "AQ", "ARG", "ASM", "AUT", "AUS", "ABW",
    "AZE", "BIH", "BRB", "BGD", "BEL", "BFA", "BGR", "BHR", "BDI", "BEN", "BMU", "BRN", "BOL", "BRA", "BHS", "BTN",
    "BV", "BWA", "BLR", "BLZ", "CAN", "CC", "COD", "CAF", "COG", "CHE", "CIV", "COK", "CHL", "CMR", "CHN", "COL", "CRI",
    "CUB", "CPV", "CX", "CYP", "CZE", "DEU", "DJI", "DNK", "DMA", "DOM", "DZA", "ECU", "EST", "EGY", "ESH", "ERI",
    "ESP", "ETH", "FIN", "FJI", "FLK", "FSM", "FRO", "FRA", "FX", "GAB", "GBR", "GRD", "GEO", "GUF", "GHA", "GIB",
    "GRL", "GMB", "GIN", "GLP", "GNQ", "GRC", "GS", "GTM", "GUM", "GNB", "GUY", "HKG", "HM", "HND", "HRV", "HTI", "HUN",
    "IDN", "IRL", "ISR", "IND", "IO", "IRQ", "IRN", "ISL", "ITA", "JAM", "JOR", "JPN", "KEN", "KGZ", "KHM", "KIR",
    "COM", "KNA", "PRK", "KOR", "KWT", "CYM", "KAZ", "LAO", "LBN", "LCA", "LIE", "LKA", "LBR", "LSO", "LTU", "LUX",
    "LVA", "LBY", "MAR", "MCO", "MDA", "MDG", "MHL", "MKD", "MLI", "MMR", "MNG", "MAC", "MNP", "MTQ", "MRT", "MSR",
    "MLT", "MUS", "MDV", "MWI", "MEX", "MYS", "MOZ", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NLD", "NOR", "NPL",
    "NRU", "NIU", "NZL", "OMN", "PAN", "PER", "PYF", "PNG", "PHL", "PAK", "POL", "SPM", "PCN", "PRI", "PSE", "PRT",
    "PLW", "PRY", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SLB", "SYC", "SDN", "SWE", "SGP", "SHN", "SVN", "SJM",
    "SVK", "SLE", "SMR", "SEN", "SOM", "SUR", "STP", "SLV", "SYR", "SWZ", "TCA", "TCD", "TF", "TGO", "THA", "TJK",
    "TKL", "TKM", "TUN", "TON", "TLS", "TUR", "TTO", "TUV", "TWN", "TZA", "UKR", "UGA", "UM", "USA", "URY", "UZB",
    "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "YT", "SRB", "ZAF", "ZMB", "MNE", "ZWE",
    "A1", "A2", "O1", "ALA", "GGY", "IMN", "JEY", "BLM", "BES", "CUW", "MAF", "SSD", "SXM",
)
COUNTRY_NAMES = (
    "N/A",
    "Asia/Pacific Region", "Europe", "Andorra", "United Arab Emirates", "Afghanistan", "Antigua and Barbuda",
    "Anguilla", "Albania", "Armenia", "Netherlands Antilles", "Angola", "Antarctica", "Argentina", "American Samoa",
    "Austria", "Australia", "Aruba", "Azerbaijan", "Bosnia and Herzegovina", "Barbados", "Bangladesh", "Belgium",
    "Burkina Faso", "Bulgaria", "Bahrain", "Burundi", "Benin", "Bermuda", "Brunei Darussalam", "Bolivia", "Brazil",
    "Bahamas", "Bhutan", "Bouvet Island", "Botswana", "Belarus", "Belize", "Canada", "Cocos (Keeling) Islands",
    "Congo, The Democratic Republic of the", "Central African Republic", "Congo", "Switzerland", "Cote D'Ivoire",
    "Cook Islands", "Chile", "Cameroon", "China", "Colombia", "Costa Rica", "Cuba", "Cape Verde", "Christmas Island",
    "Cyprus", "Czechia", "Germany", "Djibouti", "Denmark", "Dominica", "Dominican Republic", "Algeria", "Ecuador",
    "Estonia", "Egypt", "Western Sahara", "Eritrea", "Spain", "Ethiopia", "Finland", "Fiji",
    "Falkland Islands (Malvinas)", "Micronesia, Federated States of", "Faroe Islands", "France",
    "France, Metropolitan", "Gabon", "United Kingdom", "Grenada", "Georgia", "French Guiana", "Ghana", "Gibraltar",
    "Greenland", "Gambia", "Guinea", "Guadeloupe", "Equatorial Guinea", "Greece",
    "South Georgia and the South Sandwich Islands", "Guatemala", "Guam", "Guinea-Bissau", "Guyana", "Hong Kong",
    "Heard Island and McDonald Islands", "Honduras", "Croatia", "Haiti", "Hungary", "Indonesia", "Ireland", "Israel",
    "India", "British Indian Ocean Territory", "Iraq", "Iran, Islamic Republic of", "Iceland", "Italy", "Jamaica",
    "Jordan", "Japan", "Kenya", "Kyrgyzstan", "Cambodia", "Kiribati", "Comoros", "Saint Kitts and Nevis",
    "Korea, Democratic People's Republic of", "Korea, Republic of", "Kuwait", "Cayman Islands", "Kazakhstan",
    "Lao People's Democratic Republic", "Lebanon", "Saint Lucia", "Liechtenstein", "Sri Lanka", "Liberia", "Lesotho",
    "Lithuania", "Luxembourg", "Latvia", "Libyan Arab Jamahiriya", "Morocco", "Monaco", "Moldova, Republic of",
    "Madagascar", "Marshall Islands", "Macedonia", "Mali", "Myanmar", "Mongolia", "Macau", "Northern Mariana Islands",
    "Martinique", "Mauritania", "Montserrat", "Malta", "Mauritius", "Maldives", "Malawi", "Mexico", "Malaysia",
    "Mozambique", "Namibia", "New Caledonia", "Niger", "Norfolk Island", "Nigeria", "Nicaragua", "Netherlands",
    "Norway", "Nepal", "Nauru", "Niue", "New Zealand", "Oman", "Panama", "Peru", "French Polynesia",
    "Papua New Guinea", "Philippines", "Pakistan", "Poland", "Saint Pierre and Miquelon", "Pitcairn Islands",
    "Puerto Rico", "Palestinian Territory", "Portugal", "Palau", "Paraguay", "Qatar", "Reunion", "Romania",
    "Russian Federation", "Rwanda", "Saudi Arabia", "Solomon Islands", "Seychelles", "Sudan", "Sweden", "Singapore",
    "Saint Helena", "Slovenia", "Svalbard and Jan Mayen", "Slovakia", "Sierra Leone", "San Marino", "Senegal",
    "Somalia", "Suriname", "Sao Tome and Principe", "El Salvador", "Syrian Arab Republic", "Swaziland",
    "Turks and Caicos Islands", "Chad", "French Southern Territories", "Togo", "Thailand", "Tajikistan", "Tokelau",
    "Turkmenistan", "Tunisia", "Tonga", "Timor-Leste", "Turkey", "Trinidad and Tobago", "Tuvalu", "Taiwan",
    "Tanzania, United Republic of", "Ukraine", "Uganda", "United States Minor Outlying Islands", "United States",
    "Uruguay", "Uzbekistan", "Holy See (Vatican City State)", "Saint Vincent and the Grenadines", "Venezuela",
    "Virgin Islands, British", "Virgin Islands, U.S.", "Vietnam", "Vanuatu", "Wallis and Futuna", "Samoa", "Yemen",
    "Mayotte", "Serbia", "South Africa", "Zambia", "Montenegro", "Zimbabwe", "Anonymous Proxy", "Satellite Provider",
    "Other", "Aland Islands", "Guernsey", "Isle of Man", "Jersey", "Saint Barth\u00e9lemy",
    "Bonaire, Sint Eustatius and Saba", "Cura\u00e7ao", "Saint Martin (French part)", "South Sudan",
    "Sint Maarten (Dutch part)",
)
CONTINENTS = (
    "--",
    "AS", "EU", "EU", "AS", "AS", "SA", "SA", "EU", "AS", "SA", "AF", "AN", "SA", "OC", "EU", "OC", "SA", "AS", "EU",
    "SA", "AS", "EU", "AF", "EU", "AS", "AF", "AF", "SA", "AS", "SA", "SA", "SA", "AS", "AF", "AF", "EU", "SA", "NA",
    "AS", "AF", "AF", "AF", "EU", "AF", "OC", "SA", "AF", "AS", "SA", "SA", "SA", "AF", "AS", "AS", "EU", "EU", "AF",
    "EU", "SA", "SA", "AF", "SA", "EU", "AF", "AF", "AF", "EU", "AF", "EU", "OC", "SA", "OC", "EU", "EU", "EU", "AF",
    "EU", "SA", "AS", "SA", "AF", "EU", "SA", "AF", "AF", "SA", "AF", "EU", "SA", "SA", "OC", "AF", "SA", "AS", "AF",
    "SA", "EU", "SA", "EU", "AS", "EU", "AS", "AS", "AS", "AS", "AS", "EU", "EU", "SA", "AS", "AS", "AF", "AS", "AS",
    "OC", "AF", "SA", "AS", "AS", "AS", "SA", "AS", "AS", "AS", "SA", "EU", "AS", "AF", "AF", "EU", "EU", "EU", "AF",
    "AF", "EU", "EU", "AF", "OC", "EU", "AF", "AS", "AS", "AS", "OC", "SA", "AF", "SA", "EU", "AF", "AS", "AF", "NA",
    "AS", "AF", "AF", "OC", "AF", "OC", "AF", "SA", "EU", "EU", "AS", "OC", "OC", "OC", "AS", "SA", "SA", "OC", "OC",
    "AS", "AS", "EU", "SA", "OC", "SA", "AS", "EU", "OC", "SA", "AS", "AF", "EU", "AS", "AF", "AS", "OC", "AF", "AF",
    "EU", "AS", "AF", "EU", "EU", "EU", "AF", "EU", "AF", "AF", "SA", "AF", "SA", "AS", "AF", "SA", "AF", "AF", "AF",
    "AS", "AS", "OC", "AS", "AF", "OC", "AS", "AS", "SA", "OC", "AS", "AF", "EU", "AF", "OC", "NA", "SA", "AS", "EU",
    "SA", "SA", "SA", "SA", "AS", "OC", "OC", "OC", "AS", "AF", "EU", "AF", "AF", "EU", "AF", "--", "--", "--", "EU",
    "EU", "EU", "EU", "--", "--", "--", "--", "AF", "--",
)
COUNTRY_LAST = len(COUNTRY_CODES) - 1
INDEX_BY_CODE = {code: index for index, code in enumerate(COUNTRY_CODES) if index}


@dataclass(frozen=True, slots=True)
class GeoRecord:
    """What v2's ``geo_rec`` holds after a successful lookup (text as bytes)."""

    country_code: bytes = b"--"
    country_code3: bytes = b"--"
    country_name: bytes = b"N/A"
    country_continent: bytes = b"--"
    region: bytes = b""
    city: bytes = b""
    postal_code: bytes = b""
    latitude: float = 0.0  # v2 keeps these in a C float
    longitude: float = 0.0
    dma_code: int = 0
    area_code: int = 0


@dataclass(frozen=True, slots=True)
class GeoMiss:
    """A lookup without data: v2's message (``No geo data for ...``)."""

    message: str


def country_record(index: int) -> GeoRecord:
    return GeoRecord(
        country_code=COUNTRY_CODES[index].encode(), country_code3=COUNTRY_CODES3[index].encode(),
        country_name=COUNTRY_NAMES[index].encode("utf-8"), country_continent=CONTINENTS[index].encode(),
    )


def c_float(value: float) -> float:
    """``value`` rounded to a C ``float``, as v2 stores latitude and longitude."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


class LegacyGeoIP:
    """An open legacy GeoIP database (memory-mapped, read-only, shareable between threads)."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            self._data: bytes | mmap.mmap = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b"")
        self.path = path
        self.edition, self.segments = self._structure_info()

    def _structure_info(self) -> tuple[int, int]:
        """create_segments(): the edition and the country offset, read from the file's end."""
        data, edition, offset = self._data, COUNTRY_EDITION, 0
        position = len(data) - 3
        for _ in range(STRUCTURE_INFO_MAX_SIZE):
            if position < 0:
                break
            if data[position:position + 3] == b"\xff\xff\xff":
                edition = data[position + 3] if position + 3 < len(data) else COUNTRY_EDITION
                if edition >= 106:
                    edition -= 105
                if edition == REGION_EDITION_REV0:
                    offset = STATE_BEGIN_REV0
                elif edition == REGION_EDITION_REV1:
                    offset = STATE_BEGIN_REV1
                elif edition in (CITY_EDITION_REV0, CITY_EDITION_REV1, ORG_EDITION, ISP_EDITION, ASNUM_EDITION):
                    offset = int.from_bytes(data[position + 4:position + 7].ljust(3, b"\0"), "little")
                break
            position -= 1  # v2 reads 3 bytes and seeks back 4: one byte earlier each time
        if edition in (COUNTRY_EDITION, PROXY_EDITION, NETSPEED_EDITION):
            offset = COUNTRY_BEGIN
        return edition, offset

    def _read(self, position: int, size: int) -> bytes:
        chunk = bytes(self._data[position:position + size]) if position >= 0 else b""
        return chunk.ljust(size, b"\0")

    def lookup(self, address: int, shown: str) -> GeoRecord | GeoMiss:
        """The record for an IPv4 address (an int); ``shown`` is the escaped target for messages."""
        record = 0
        for level in range(31, -1, -1):
            node = self._read(6 * record, 6)
            half = node[3:6] if address & (1 << level) else node[0:3]
            record = int.from_bytes(half, "little")
            if record >= self.segments:
                break
        if record == self.segments:
            return GeoMiss(f'No geo data for "{shown}").')
        if self.edition == COUNTRY_EDITION:
            country = record - self.segments
            if not 0 < country <= COUNTRY_LAST:
                return GeoMiss(f'No geo data for "{shown}" (country {country}).')
            return country_record(country)
        raw = self._read(record + 5 * self.segments, CITY_RECORD_LENGTH)
        country = raw[0]
        if not 0 < country <= COUNTRY_LAST:
            return GeoMiss(f'No geo data for "{shown}" (country {country}).')
        fields = []
        position = 1
        for _ in range(3):  # region, city, postal code
            end = raw.find(b"\0", position)
            end = len(raw) if end < 0 else end
            fields.append(raw[position:end])
            position = end + 1
        latitude = int.from_bytes(raw[position:position + 3].ljust(3, b"\0"), "little") / 10000 - 180
        longitude = int.from_bytes(raw[position + 3:position + 6].ljust(3, b"\0"), "little") / 10000 - 180
        dma = area = 0
        base = country_record(country)
        if self.edition == CITY_EDITION_REV1 and base.country_code == b"US":
            combined = int.from_bytes(raw[position + 6:position + 9].ljust(3, b"\0"), "little")
            dma, area = divmod(combined, 1000)
        return GeoRecord(
            country_code=base.country_code, country_code3=base.country_code3, country_name=base.country_name,
            country_continent=base.country_continent, region=fields[0], city=fields[1], postal_code=fields[2],
            latitude=c_float(latitude), longitude=c_float(longitude), dma_code=dma, area_code=area,
        )
