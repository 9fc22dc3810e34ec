"""The built-in detector settings: what ``conf/detectors.yaml`` ships with.

Kept inside the package (a Python string, not a data file, so it installs with the code) for callers that have no
config at hand, such as ``residual_pii`` in the data-quality gate. A test keeps the two in step.
"""

DEFAULT_DETECTORS_YAML = r"""# PII detectors: which types are redacted, the placeholder each leaves, and the context words that tell a
# real value from a look-alike. Read by postcurate.pii.load_detectors; documented in docs/pii.md.
#
# Per detector:
#   enabled      true/false (default true)
#   placeholder  <UPPER_CASE> text that replaces each match (unique per detector)
#   context      negative: words that, right before a candidate, mark a look-alike ("order #", "ISBN")
#                positive: words near a candidate that admit a weaker form (bare 9-digit SSN after "SSN:")
#                window:   characters searched for positive words (default 40)
#   pattern      a Java regular expression: defines a new detector without code (runs in the JVM)
#   order        position among the SQL detectors (lower runs first)
#
# The order of the built-in stages is fixed: email and coordinates, then public links are set aside, then the
# other SQL detectors, then the checksum / number-plan step (IBAN, card, NHS, phone), then links come back.

protect_urls: true          # public links (https://bbc.co.uk/news/12345678) keep their digits and @s

vocabulary:                 # shared word lists, referenced below with YAML aliases
  look_alikes: &look_alikes
    [order, order no, orden, bestellung, bestellnummer, commande, pedido, encomenda, ordine, invoice, rechnung,
     facture, fatura, factura, fattura, ref, reference, référence, referencia, referência, tracking, tracking no,
     sendungsnummer, suivi, rastreio, rastreamento, seguimiento, isbn, issn, doi, ticket, booking, buchung,
     réservation, reserva, prenotazione, serial, serial no, seriennummer, modelo, model, sku, item, artikel,
     article, part no, case, case no, lot, batch, transaction, transaktion, transaction id, txn]
  phone_words: &phone_words
    [call, calls, phone, tel, telephone, cell, mobile, mob, text, sms, whatsapp, ring, fax, contact, reach me,
     dial, anrufen, ruf, rufen, telefon, telefonnummer, handy, mobil, festnetz, tél, téléphone, portable, appelle,
     appelez, appeler, number, my number, nummer, numéro, número, numero, ligue, liga, ligar, telefone, celular, whats, zap, contato, llama, llámame,
     llamar, móvil, teléfono, chiama, cellulare, telefono]

detectors:
  email:
    placeholder: "<EMAIL>"
  coords:
    placeholder: "<COORDS>"
    context:  # four-decimal pairs that are exchange rates or measurements, not places
      negative: [eur, usd, gbp, chf, jpy, brl, inr, aud, cad, rate, rates, kurs, taux, câmbio, cambio, cotação,
                 price, preis, prix, preço, precio, odds, ratio, version]
  ip:
    placeholder: "<IP>"
    context:
      negative: [version, ver, v, release, build, firmware, fw, kernel, update, versão, versión, versione]
  ssn:
    placeholder: "<SSN>"
    context:
      positive: [ssn, ss#, ss no, social security, social security number, social security no, soc sec, soc. sec.]
      negative: *look_alikes
  nino:
    placeholder: "<NINO>"
    context:
      positive: [national insurance, national insurance number, national insurance no, ni number, ni no, nino]
      negative: *look_alikes
  address:
    placeholder: "<ADDRESS>"
  mention:
    placeholder: "<MENTION>"
  iban:
    placeholder: "<IBAN>"
  card:
    placeholder: "<CARD>"
    context:
      negative: *look_alikes
  nhs:
    placeholder: "<NHS>"
    context:
      positive: [nhs, nhs number, nhs no, health number, health service number, patient number]
      negative: *look_alikes
  phone:
    placeholder: "<PHONE>"
    context:
      positive: *phone_words
      # An NHS number written like a US phone number is still an NHS number when labelled as one.
      negative: [*look_alikes, [nhs, nhs number, nhs no, health number, patient number]]
    # Numbering plans, as regexes over digits. nsn: the number after +code. national: forms written without
    # +code; "groups" (digit-group sizes) is required where there is no trunk 0 to tell a phone number from
    # any other 10-digit number (a compact one then needs a positive context word). Other calling codes are
    # accepted after "+" or "00" with 9-15 digits.
    plans:
      GB: {code: "44", nsn: "[1-357-9][0-9]{8,9}", national: [{pattern: "0[1-357-9][0-9]{8,9}"}]}
      US: {code: "1", nsn: "[2-9][0-8][0-9][2-9][0-9]{6}",
           national: [{pattern: "1?[2-9][0-8][0-9][2-9][0-9]{6}", groups: [[3, 3, 4], [1, 3, 3, 4]]}]}
      DE: {code: "49", nsn: "[1-9][0-9]{6,12}", national: [{pattern: "0[1-9][0-9]{7,11}"}]}
      FR: {code: "33", nsn: "[1-9][0-9]{8}", national: [{pattern: "0[1-9][0-9]{8}"}]}
      IE: {code: "353", nsn: "[1-9][0-9]{6,8}", national: [{pattern: "0[1-9][0-9]{7,8}"}]}
      IN: {code: "91", nsn: "[1-9][0-9]{9}",
           national: [{pattern: "0[1-9][0-9]{9}"}, {pattern: "[6-9][0-9]{9}", groups: [[5, 5]]}]}
      BR: {code: "55", nsn: "[1-9][1-9](?:9[0-9]{8}|[2-5][0-9]{7})",
           national: [{pattern: "0?[1-9][1-9](?:9[0-9]{8}|[2-5][0-9]{7})",
                       groups: [[2, 5, 4], [2, 4, 4], [3, 5, 4], [3, 4, 4], [2, 9], [2, 8]]}]}
      AU: {code: "61", nsn: "[2-478][0-9]{8}", national: [{pattern: "0[2-478][0-9]{8}"}]}
"""
