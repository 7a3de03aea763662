"""A small labelled set of ambiguous Spanish words, written for the course: short sentences per sense.

Eight words that the Spanish parliament corpus uses often enough to be in a word-level vocabulary
(``banco``, ``capital``, ``cámara``, ``partido``, ``papel``, ``interés``, ``fondo``, ``sentido``),
two senses each, six sentences per sense (96 sentences). Each sentence contains its word exactly
once, in the singular, so a contextual model gives one vector per sentence; notebook 07f measures
whether those vectors cluster by sense.

Example:
    >>> examples = load_senses()
    >>> len(examples), examples[0].word, examples[0].sense
    (96, 'banco', 'asiento')
    >>> sorted({e.sense for e in examples if e.word == "capital"})
    ['ciudad', 'dinero']
"""

from __future__ import annotations

import dataclasses

#: word → sense → sentences (each contains the word once).
SENSES: dict[str, dict[str, tuple[str, ...]]] = {
    "banco": {
        "asiento": (
            "Me senté en un banco de la plaza a descansar.",
            "El banco del parque estaba recién pintado.",
            "Los ancianos conversan sentados en el banco de madera.",
            "Dejé la mochila en el banco junto a la puerta.",
            "Pusieron un banco nuevo frente a la iglesia.",
            "El niño se subió al banco para ver el desfile.",
        ),
        "entidad": (
            "Pedí un préstamo al banco para comprar la casa.",
            "El banco subió los intereses de las hipotecas.",
            "Abrí una cuenta en el banco con mi salario.",
            "El banco central decidió bajar los tipos.",
            "Los clientes del banco perdieron sus ahorros.",
            "El banco concedió créditos a las pequeñas empresas.",
        ),
    },
    "capital": {
        "ciudad": (
            "Madrid es la capital de España.",
            "Viajamos a la capital de la provincia en tren.",
            "La capital del país tiene tres millones de habitantes.",
            "El alcalde de la capital inauguró el nuevo metro.",
            "Muchos jóvenes se mudan a la capital para estudiar.",
            "La capital amaneció con lluvia y mucho tráfico.",
        ),
        "dinero": (
            "La empresa necesita más capital para invertir.",
            "Los socios aportaron el capital inicial del negocio.",
            "El capital extranjero entra en el mercado español.",
            "Una ampliación de capital permitió pagar las deudas.",
            "El impuesto grava las rentas del capital y del trabajo.",
            "Las entidades deben tener suficiente capital para cubrir los riesgos.",
        ),
    },
    "cámara": {
        "parlamento": (
            "La Cámara aprobó la ley por mayoría absoluta.",
            "El presidente de la Cámara abrió la sesión.",
            "Los diputados votaron en la Cámara esta tarde.",
            "La Cámara debatió la moción del grupo socialista.",
            "Esta Cámara representa la soberanía del pueblo español.",
            "El ministro compareció ante la Cámara para explicar la reforma.",
        ),
        "aparato": (
            "Saqué una foto con la cámara de mi teléfono.",
            "La cámara de vídeo grabó toda la boda.",
            "Compré una cámara digital para el viaje.",
            "La cámara de seguridad registró al ladrón.",
            "El fotógrafo limpió el objetivo de su cámara.",
            "Apuntó la cámara hacia las montañas y disparó.",
        ),
    },
    "partido": {
        "político": (
            "El partido presentó su programa electoral.",
            "Los militantes del partido eligieron un nuevo secretario general.",
            "Ese partido ganó las elecciones generales.",
            "El partido socialista votó en contra de la ley.",
            "Los dirigentes del partido negociaron un pacto de gobierno.",
            "Mi partido defiende la sanidad pública.",
        ),
        "deportivo": (
            "El partido de fútbol terminó empatado a dos goles.",
            "Vimos el partido en el estadio con mis amigos.",
            "El árbitro suspendió el partido por la lluvia.",
            "El equipo ganó el partido en el último minuto.",
            "El partido de tenis duró más de tres horas.",
            "Los jugadores entrenan antes del partido del domingo.",
        ),
    },
    "papel": {
        "material": (
            "Escribí la dirección en un papel.",
            "Necesito una hoja de papel y un lápiz.",
            "El papel reciclado ahorra árboles.",
            "Envolvió el regalo con papel de colores.",
            "La impresora se quedó sin papel.",
            "Recortó la noticia del periódico de papel.",
        ),
        "función": (
            "Europa debe tener un papel más activo en la crisis.",
            "El papel del Gobierno es proteger a los ciudadanos.",
            "La sociedad civil juega un papel fundamental.",
            "Las mujeres tuvieron un papel decisivo en la transición.",
            "Las comunidades autónomas cumplen un papel importante en la sanidad.",
            "Los jueces tienen un papel clave en la democracia.",
        ),
    },
    "interés": {
        "financiero": (
            "El préstamo tiene un interés muy alto.",
            "Los tipos de interés subieron este año.",
            "Pagamos mucho interés por la hipoteca.",
            "La entidad cobra un interés del cinco por ciento.",
            "El interés de la deuda pública supera los mil millones.",
            "Los ahorros generan un pequeño interés cada mes.",
        ),
        "atención": (
            "Escuché su discurso con mucho interés.",
            "Los alumnos muestran interés por la historia.",
            "Leí el informe con gran interés.",
            "Este tema despierta el interés de los ciudadanos.",
            "No tengo ningún interés en discutir.",
            "Agradezco el interés de su señoría por esta cuestión.",
        ),
    },
    "fondo": {
        "dinero": (
            "El Gobierno creó un fondo para ayudar a los parados.",
            "El fondo de pensiones perdió valor este año.",
            "Europa aprobó un fondo de recuperación.",
            "El fondo de inversión compró el edificio.",
            "Ese dinero irá al fondo de garantía salarial.",
            "La comunidad recibirá dinero del fondo de cohesión.",
        ),
        "lugar": (
            "Al fondo del pasillo está la cocina.",
            "El barco se hundió hasta el fondo del mar.",
            "Se sentó al fondo de la sala.",
            "Encontré las llaves en el fondo del cajón.",
            "El agua del fondo del lago estaba fría.",
            "Hay una ventana al fondo de la habitación.",
        ),
    },
    "sentido": {
        "dirección": (
            "Los coches circulan en sentido contrario.",
            "La calle es de un solo sentido.",
            "Gire la tuerca en el sentido de las agujas del reloj.",
            "El tren viaja en sentido norte.",
            "El accidente ocurrió en el carril de sentido sur.",
            "Cambió el sentido de la marcha en la autopista.",
        ),
        "significado": (
            "No entiendo el sentido de esta frase.",
            "Esa propuesta no tiene ningún sentido.",
            "El sentido de la ley es proteger a los menores.",
            "Las palabras cambian de sentido con el tiempo.",
            "Buscó el sentido de su vida.",
            "¿Qué sentido tiene gastar tanto dinero?",
        ),
    },
}


@dataclasses.dataclass(frozen=True)
class SenseExample:
    """One labelled sentence: the ambiguous ``word``, its ``sense`` there, and the ``sentence``."""

    word: str
    sense: str
    sentence: str


def load_senses(words=None) -> list[SenseExample]:
    """The labelled sentences (of ``words`` only, when given), grouped by word, then by sense.

    Raises:
        KeyError: a word of ``words`` is not in the set (the message lists the words it has).
    """
    chosen = list(SENSES) if words is None else list(words)
    unknown = [w for w in chosen if w not in SENSES]
    if unknown:
        raise KeyError(f"No labelled sentences for {unknown}; the set has {sorted(SENSES)}.")
    return [
        SenseExample(word, sense, sentence)
        for word in chosen
        for sense, sentences in SENSES[word].items()
        for sentence in sentences
    ]
