"""Ground-truth texts of the generated OCR suite, written for this project.

One set per language GLM-OCR's page names (Chinese, English, French, Spanish, Russian,
German, Japanese, Korean): a line, a three-sentence paragraph, two columns, and a small
table, all about the same everyday office matters so languages are comparable.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGUAGE_TEXTS", "LanguageTexts"]


@dataclass(frozen=True)
class LanguageTexts:
    line: str
    paragraph: tuple[str, ...]
    columns: tuple[str, str]
    table: tuple[tuple[str, ...], ...]
    cjk: bool = False
    """Written without spaces between words: CER ignores spaces, WER is not reported."""


LANGUAGE_TEXTS: dict[str, LanguageTexts] = {
    "en": LanguageTexts(
        line="Invoice 2417 was paid on the third of March.",
        paragraph=(
            "The warehouse opens at seven and closes at noon on Saturdays.",
            "Please bring the signed delivery note to the front desk.",
            "Late parcels are kept for five working days.",
        ),
        columns=("Morning trains leave every ten minutes from platform two.",
                 "Evening service runs until midnight on weekdays."),
        table=(("Item", "Qty", "Price"), ("Paper", "12", "4.50"), ("Ink", "3", "19.90")),
    ),
    "de": LanguageTexts(
        line="Die Rechnung wurde am Montag vollständig bezahlt.",
        paragraph=(
            "Das Lager öffnet um sieben Uhr und schließt am Samstag mittags.",
            "Bitte bringen Sie den unterschriebenen Lieferschein mit.",
            "Verspätete Pakete werden fünf Werktage aufbewahrt.",
        ),
        columns=("Die Züge fahren morgens alle zehn Minuten ab.", "Abends verkehren sie bis Mitternacht."),
        table=(("Artikel", "Menge", "Preis"), ("Papier", "12", "4,50"), ("Tinte", "3", "19,90")),
    ),
    "fr": LanguageTexts(
        line="La facture a été réglée le lundi suivant.",
        paragraph=(
            "L'entrepôt ouvre à sept heures et ferme à midi le samedi.",
            "Merci d'apporter le bon de livraison signé à l'accueil.",
            "Les colis en retard sont gardés cinq jours ouvrables.",
        ),
        columns=("Les trains du matin partent toutes les dix minutes.", "Le service du soir circule jusqu'à minuit."),
        table=(("Article", "Quantité", "Prix"), ("Papier", "12", "4,50"), ("Encre", "3", "19,90")),
    ),
    "es": LanguageTexts(
        line="La factura se pagó el lunes por la mañana.",
        paragraph=(
            "El almacén abre a las siete y cierra al mediodía los sábados.",
            "Por favor, traiga el albarán firmado a recepción.",
            "Los paquetes retrasados se guardan cinco días hábiles.",
        ),
        columns=("Los trenes de la mañana salen cada diez minutos.", "El servicio nocturno funciona hasta la medianoche."),
        table=(("Artículo", "Cantidad", "Precio"), ("Papel", "12", "4,50"), ("Tinta", "3", "19,90")),
    ),
    "ru": LanguageTexts(
        line="Счёт был полностью оплачен в понедельник.",
        paragraph=(
            "Склад открывается в семь часов и закрывается в полдень по субботам.",
            "Пожалуйста, принесите подписанную накладную на стойку.",
            "Опоздавшие посылки хранятся пять рабочих дней.",
        ),
        columns=("Утренние поезда отходят каждые десять минут.", "Вечерние поезда ходят до полуночи."),
        table=(("Товар", "Кол-во", "Цена"), ("Бумага", "12", "4,50"), ("Чернила", "3", "19,90")),
    ),
    "zh": LanguageTexts(
        line="这张发票已经在星期一付清了。",
        paragraph=("仓库每天早上七点开门，星期六中午关门。", "请把签好字的送货单交到前台。", "晚到的包裹会保存五个工作日。"),
        columns=("早上的火车每十分钟发一班。", "晚上的列车一直运行到午夜。"),
        table=(("物品", "数量", "价格"), ("纸张", "12", "4.50"), ("墨水", "3", "19.90")),
        cjk=True,
    ),
    "ja": LanguageTexts(
        line="この請求書は月曜日に支払われました。",
        paragraph=("倉庫は朝七時に開き、土曜日は正午に閉まります。", "署名した納品書を受付まで持ってきてください。", "遅れた荷物は五営業日保管されます。"),
        columns=("朝の電車は十分ごとに出発します。", "夜の電車は真夜中まで運行しています。"),
        table=(("品目", "数量", "価格"), ("用紙", "12", "4.50"), ("インク", "3", "19.90")),
        cjk=True,
    ),
    "ko": LanguageTexts(
        line="이 청구서는 월요일에 모두 지불되었습니다.",
        paragraph=(
            "창고는 아침 일곱 시에 문을 열고 토요일에는 정오에 닫습니다.",
            "서명한 배송 전표를 안내 데스크로 가져오세요.",
            "늦게 도착한 소포는 영업일 기준 닷새 동안 보관됩니다.",
        ),
        columns=("아침 기차는 십 분마다 출발합니다.", "저녁 기차는 자정까지 운행합니다."),
        table=(("품목", "수량", "가격"), ("종이", "12", "4.50"), ("잉크", "3", "19.90")),
    ),
}
