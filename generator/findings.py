"""Findings catalogue: every rule has a stable code, a severity, a Turkish
message template and a description. Rules are registered where they are
checked (reader, merge, validate) with :func:`rule`; :data:`RULES` is the
whole catalogue.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

from .model import Loc

ERROR = "hata"
WARNING = "uyarı"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # ERROR | WARNING
    message: str  # str.format template, Turkish
    description: str  # Turkish, what the rule checks and how to fix it


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, message: str, description: str) -> Rule:
    if code in RULES and RULES[code] != Rule(code, severity, message, description):
        raise ValueError(f"rule {code} registered twice with different texts")
    RULES[code] = Rule(code, severity, message, description)
    return RULES[code]


def catalogue() -> dict[str, Rule]:
    """The whole catalogue: rules are registered by the modules that check them."""
    from . import acceptance, merge, safety, submissions, validate  # noqa: F401  (import registers their rules)

    return RULES


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    department: str = ""
    target: str = ""
    activity: str = ""
    details: dict = field(default_factory=dict)
    # set when kurum.xlsx "Kabul Edilen Bulgular" accepts the finding: gerekce, kabul_eden, tarih, yer
    accepted: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_open(self) -> bool:
        """Not accepted: an open error keeps the document a draft."""
        return not self.accepted

    def where(self) -> str:
        return " › ".join(p for p in (self.file, self.sheet, self.cell) if p)


def finding(
    code: str,
    loc: Optional[Loc] = None,
    *,
    department: str = "",
    target: str = "",
    activity: str = "",
    **params,
) -> Finding:
    """Build a finding of rule ``code``; ``params`` fill the message template."""
    r = RULES.get(code) or catalogue()[code]
    return Finding(
        code=r.code,
        severity=r.severity,
        message=r.message.format(department=department, target=target, activity=activity, **params),
        file=loc.file if loc else "",
        sheet=loc.sheet if loc else "",
        cell=loc.cell if loc else "",
        department=department,
        target=target,
        activity=activity,
        details={k: v for k, v in params.items() if isinstance(v, (str, int, float, type(None)))},
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Stable, meaningful order: errors first, then by file, sheet, cell."""
    from .workbook_schema import cell_sort_key

    return sorted(
        findings,
        key=lambda f: (
            f.severity != ERROR,
            f.department,
            f.file,
            f.sheet,
            cell_sort_key(f.cell),
            f.code,
            f.message,
        ),
    )


# --- reading rules (the structural rules every reader needs) -----------------
rule("OKU-01", ERROR, "Dosya açılamadı: {reason}",
     "Dosya bir Excel çalışma kitabı (.xlsx) olarak açılamadı. Dosyanın bozuk "
     "olmadığını ve şablondan üretildiğini kontrol edin.")
rule("OKU-02", ERROR, "\"{sheet}\" sayfası bulunamadı.",
     "Şablonun zorunlu bir sayfası silinmiş ya da adı değiştirilmiş. Şablonu "
     "yeniden indirip verileri aktarın.")
rule("OKU-03", ERROR, "\"{column}\" sütunu bulunamadı (başlık satırı {row}).",
     "Bir sütun başlığı silinmiş ya da değiştirilmiş. Sayfa yapısı "
     "değiştirilmemelidir.")
rule("OKU-05", ERROR, "Giriş hücresinde hesaplanmamış formül var: {formula}",
     "Giriş hücresindeki formülün sonucu dosyada kayıtlı değil. Dosyayı Excel'de "
     "açıp kaydedin ya da formül yerine değeri yazın.")
rule("ZRN-01", ERROR, "\"{column}\" alanı boş bırakılamaz.",
     "Zorunlu bir alan doldurulmamış.")
rule("TIP-01", ERROR, "\"{column}\" sayı olmalı; yazılan değer: \"{value}\".",
     "Sayı beklenen hücreye metin ya da tarih yazılmış.")
rule("TIP-02", ERROR, "\"{column}\" negatif olamaz; yazılan değer: {value}.",
     "Tutarlar ve sayılar sıfır ya da pozitif olmalıdır.")
rule("TIP-03", ERROR, "\"{column}\" tam sayı (kuruşsuz TL) olmalı; yazılan değer: {value}.",
     "Tutarlar Türk lirası olarak tam sayı girilir.")
rule("TIP-04", ERROR, "\"{column}\" geçersiz değer: \"{value}\". Beklenen: {expected}.",
     "Hücre, izin verilen değerlerden birini içermelidir.")
rule("TIP-06", ERROR, "\"{column}\" {value} olamaz; {limit}.",
     "Sayı, kabul edilen aralığın dışında. Tutarlar kuruşsuz Türk lirası olarak "
     "100 trilyon TL'nin (100.000.000.000.000) altında, diğer sayılar katrilyonun altında olmalıdır; "
     "bu sınırlar yazım hatalarını (fazladan basamak, bilimsel gösterim) yakalar.")
rule("TIP-07", WARNING, "\"{column}\" metin olarak yazılmış bir sayı: \"{value}\". Program bu değeri "
     "sayar, ama sayfanın kendi toplamları (Excel formülleri) onu dışarıda bırakır.",
     "Hücreye sayı, metin biçiminde girilmiş (ör. başında kesme işareti ya da metin biçimli hücre). "
     "Excel'in TOPLA formülleri metinleri saymadığından birimin gördüğü toplam, programdakinden "
     "farklı olur. Hücreyi sayı biçimine çevirip değeri yeniden yazın.")
rule("TIP-08", WARNING, "\"{column}\" metnindeki görünmeyen denetim karakterleri ({chars}) temizlendi.",
     "Metinde sekme/satır sonu dışında denetim karakterleri vardı (başka bir programdan kopyalama "
     "sırasında gelir); belgede bozuk görünmemeleri için silindi. Hücreyi kontrol edin.")
rule("TIP-09", ERROR, "\"{column}\" metni {length} karakter; Excel hücre sınırı 32.767 karakter.",
     "Excel bir hücrede en çok 32.767 karakter tutar; daha uzun metin birleşik çalışma kitabında "
     "kesilirdi. Metni kısaltın.")
rule("OKU-11", WARNING, "\"{sheet}\" sayfası gizli; içindeki veriler programa alındı.",
     "Şablonun bir sayfası gizlenmiş. Gizli sayfadaki veriler de okunur; birimin görmediği verilerin "
     "programa girmemesi için sayfayı gösterip kontrol edin.")
rule("OKU-12", WARNING, "Gizli satırlarda veri var ({rows}); bu satırlar programa alındı.",
     "Sayfadaki bazı satırlar gizlenmiş ama veri içeriyor. Gizli satırlar da okunur; satırları "
     "gösterip kontrol edin, gereksizse silin.")
rule("TEK-05", ERROR, "{kind} {defined} kurum.xlsx'te ikinci kez tanımlanmış (ilk tanım: {first}); "
     "bu tanım yok sayıldı.",
     "Stratejik planda bir kod yalnızca bir kez tanımlanır. İlk tanım kullanılır; ikinci tanım "
     "yok sayılır, yoksa birimlere yanlış hedef ya da göstergeye göre bulgu verilirdi. Fazla "
     "satırı silin ya da kodunu düzeltin.")
rule("TIP-10", ERROR, "Satır bir sütun {direction} kaymış görünüyor: \"{column}\" sütununda \"{value}\" var. "
     "Satır programa alınmadı; değerleri doğru sütunlara taşıyın.",
     "Satırdaki değerler bir sütun kaymış (ör. hedef kodu Faaliyet Kodu sütununda, faaliyet kodu "
     "Faaliyet Adı sütununda). Bu durumda satırın her hücresi için ayrı hata vermek yerine satır bir "
     "kez bildirilir ve programa alınmaz. Hücreleri kesip doğru sütunlara yapıştırın.")
rule("TIP-11", WARNING, "Açıklama sütununa tutar yazılmış gibi: \"{value}\". Açıklama belgede faaliyetin "
     "altında metin olarak basılır, hiçbir toplama girmez.",
     "Tutarlar ekonomik kod sütunlarına (01–09) ya da Bütçe Dışı sütununa yazılır. Açıklamadaki "
     "tutarı ilgili sütuna taşıyın; açıklama gerekmiyorsa hücreyi boşaltın.")
