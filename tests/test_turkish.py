from generator import turkish


def test_upper_and_lower_follow_turkish_rules():
    assert turkish.upper("Bilgi İşlem Dairesi Başkanlığı") == "BİLGİ İŞLEM DAİRESİ BAŞKANLIĞI"
    assert turkish.upper("ılık") == "ILIK"
    assert turkish.lower("IŞIK İzmir") == "ışık izmir"
    assert turkish.title("İKLİM DEĞİŞİKLİĞİ") == "İklim Değişikliği"


def test_sort_key_uses_the_turkish_alphabet():
    names = ["Zabıta", "İtfaiye", "Çevre", "Işık", "Ilıca", "Cami", "Şehir", "Sağlık", "Öğrenci", "Ortak",
             "Ulaşım", "Üretim", "Gençlik", "Göz", "Ğ"]
    assert sorted(names, key=turkish.sort_key) == [
        "Cami", "Çevre", "Gençlik", "Göz", "Ğ", "Ilıca", "Işık", "İtfaiye", "Ortak", "Öğrenci", "Sağlık",
        "Şehir", "Ulaşım", "Üretim", "Zabıta",
    ]
    assert sorted(["D10", "D2", "D1"], key=turkish.sort_key) == ["D1", "D2", "D10"]
    units = ["İlçe Hizmetleri 2. Bölge", "1. Hukuk Müşavirliği", "Afet İşleri", "İlçe Hizmetleri 1. Bölge",
             "Gençlik ve Spor", "İklim Değişikliği"]
    assert sorted(units, key=turkish.sort_key) == [
        "Afet İşleri", "Gençlik ve Spor", "1. Hukuk Müşavirliği", "İklim Değişikliği",
        "İlçe Hizmetleri 1. Bölge", "İlçe Hizmetleri 2. Bölge",
    ]


def test_numbers_and_percentages():
    assert turkish.money(1_952_400_000) == "1.952.400.000"
    assert turkish.money(0) == "0"
    assert turkish.money(None) == ""
    assert turkish.number(0.5) == "0,5"
    assert turkish.number(90000) == "90.000"
    assert turkish.percent(0.2793) == "%27,93"
    assert turkish.percent(1232 / 4411) == "%27,93"


def test_normalize_for_name_matching():
    assert turkish.normalize("Fen  İşleri Dai. Bşk.") == "fen işleri dai bşk"
