"""``retrieval-mini``: a small retrieval suite written for matchgraph, with relevance judgements.

Retrieval claims ("more accurate than BM25 on semantic search", "better at exact identifiers")
need a collection, queries and judgements that no runner was tuned on. This one is ours: 48
short passages about AI models and tools, and 32 queries of two kinds, so one suite can decide
both sides of the usual dense-versus-lexical argument:

* ``paraphrase``: the need in a user's words, sharing few words with the passage that answers it;
* ``exact-code``: an identifier (an error code, a model number, a flag) that only the right
  passage contains.

Each query is one :class:`~matchgraph.runners.suites.SuiteItem`: ``prompt`` is the query,
``text`` the ids of its relevant passages (space separated), ``layout`` its kind. The content
hash covers passages and judgements, so a figure names exactly the data it came from.
"""

from __future__ import annotations

from matchgraph.runners.suites import Suite, SuiteItem, content_hash

__all__ = ["DOCUMENTS", "QUERIES", "retrieval_mini_suite"]

DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("d01", "An optical character recognition engine that turns photographs of paper receipts into machine-readable text."),
    ("d02", "A speech recogniser that writes down what people say in meetings, with timestamps for every sentence."),
    ("d03", "A diffusion model that paints pictures from a short written description, including legible lettering on signs."),
    ("d04", "A code assistant that completes functions in the editor and explains unfamiliar code in plain language."),
    ("d05", "A translation model that converts documents between forty languages while keeping their layout."),
    ("d06", "A vector database that stores embeddings and answers nearest-neighbour lookups in milliseconds."),
    ("d07", "A text-to-speech voice that reads articles aloud with natural intonation and several accents."),
    ("d08", "A model that labels the objects in a photograph and draws boxes around each of them."),
    ("d09", "A chatbot framework that remembers earlier conversations with each customer across sessions."),
    ("d10", "A summariser that condenses long legal contracts into a one-page list of obligations and deadlines."),
    ("d11", "A gateway that routes prompts to several hosted language models and falls back when one is down."),
    ("d12", "A tool that pulls tables out of scanned financial statements into spreadsheets."),
    ("d13", "A music generator that composes short instrumental tracks from a mood and a tempo."),
    ("d14", "A video model that animates a still image into a few seconds of motion."),
    ("d15", "An agent that browses websites, fills in forms and books appointments on a user's behalf."),
    ("d16", "A moderation classifier that flags hateful or violent messages before they are posted."),
    ("d17", "A sentiment model that rates product reviews from very negative to very positive."),
    ("d18", "A search reranker that reorders retrieved passages by how well they answer the question."),
    ("d19", "A handwriting reader for historical letters written in cursive script."),
    ("d20", "A model that writes descriptive captions for images so that blind readers can follow them."),
    ("d21", "A tutor that explains maths homework step by step and checks the learner's working."),
    ("d22", "A spreadsheet assistant that writes formulas from a sentence describing the calculation."),
    ("d23", "A model that predicts protein structures from amino-acid sequences."),
    ("d24", "A forecasting model for electricity demand over the next day, hour by hour."),
    ("d25", "A voice cloning system that reproduces a speaker from a minute of recorded audio."),
    ("d26", "A background remover that cuts people and products out of photos for catalogues."),
    ("d27", "A database copilot that turns questions in English into SQL queries."),
    ("d28", "A server that exposes local files and tools to AI assistants through the Model Context Protocol."),
    ("d29", "A fraud detector that scores card payments as they happen and blocks suspicious ones."),
    ("d30", "A model that upscales low-resolution photographs to four times their size without blur."),
    ("d31", "A grammar checker that suggests clearer wording for business emails."),
    ("d32", "A medical scribe that drafts clinical notes from a doctor's conversation with a patient."),
    # passages that carry identifiers: only lexical matching of the code finds them reliably
    ("d33", "Firmware release notes: error E-4471 means the scanner lamp failed its self-test; replace module LMP-9."),
    ("d34", "Model card for the QX-220 inference accelerator: 48 GB memory, driver 551.23 required."),
    ("d35", "The flag --kv-cache-dtype=fp8 halves the memory of long prompts at a small quality cost."),
    ("d36", "Part number RT-3390-B is the replacement fan for the rack server chassis Z14."),
    ("d37", "Status code 0x8007045D from the installer means a disk read failed during setup."),
    ("d38", "Ticket INC-20931 tracks the outage of the EU-West transcription endpoint."),
    ("d39", "The checkpoint sha256:9f1c0a7e belongs to the second training run of the vision encoder."),
    ("d40", "Setting OMP_NUM_THREADS=1 stops the tokenizer from oversubscribing the CPU cores."),
    ("d41", "Error E-4417 reports a paper jam in the automatic document feeder of the scanner."),
    ("d42", "Part number RT-3390-A is the power supply for the rack server chassis Z14."),
    ("d43", "Model card for the QX-120 accelerator: 24 GB memory, for small inference jobs."),
    ("d44", "Use the flag --max-batch-tokens=8192 to bound how many tokens one batch may hold."),
    ("d45", "A photo editor plug-in that removes unwanted objects and fills the gap convincingly."),
    ("d46", "A meeting assistant that lists the decisions and action items after a video call."),
    ("d47", "A recommender that suggests films from what a viewer watched and rated before."),
    ("d48", "A document parser that converts PDF reports into clean markdown with headings and tables."),
)

QUERIES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    # (query id, query, relevant passage ids, kind)
    ("q01", "get the words out of a picture of a till slip", ("d01",), "paraphrase"),
    ("q02", "turn spoken discussion into a written record", ("d02", "d32"), "paraphrase"),
    ("q03", "make an illustration from a sentence", ("d03",), "paraphrase"),
    ("q04", "help me program faster inside my IDE", ("d04",), "paraphrase"),
    ("q05", "render my brochure in Spanish and German", ("d05",), "paraphrase"),
    ("q06", "have an article narrated out loud", ("d07",), "paraphrase"),
    ("q07", "find where the cars and people are in a snapshot", ("d08",), "paraphrase"),
    ("q08", "a support bot that recalls what the client said last week", ("d09",), "paraphrase"),
    ("q09", "short version of a lengthy agreement", ("d10",), "paraphrase"),
    ("q10", "keep my app working when an LLM provider has an outage", ("d11",), "paraphrase"),
    ("q11", "copy figures from a photographed balance sheet into Excel", ("d12", "d22"), "paraphrase"),
    ("q12", "create a calm soundtrack for my video", ("d13",), "paraphrase"),
    ("q13", "let a program run errands on the web for me", ("d15",), "paraphrase"),
    ("q14", "stop abusive posts on my forum", ("d16",), "paraphrase"),
    ("q15", "are customers happy with what they bought", ("d17",), "paraphrase"),
    ("q16", "read old correspondence written by hand", ("d19",), "paraphrase"),
    ("q17", "describe photos for people who cannot see them", ("d20",), "paraphrase"),
    ("q18", "how much power will the grid need tomorrow", ("d24",), "paraphrase"),
    ("q19", "isolate the subject of a product shot", ("d26",), "paraphrase"),
    ("q20", "ask my data warehouse questions without writing code", ("d27",), "paraphrase"),
    ("q21", "let my assistant read the files on my laptop", ("d28",), "paraphrase"),
    ("q22", "make a blurry small picture sharp and large", ("d30",), "paraphrase"),
    ("q23", "what was decided in the call and who does what", ("d46",), "paraphrase"),
    ("q24", "turn a report into text with structure I can edit", ("d48",), "paraphrase"),
    ("q25", "E-4471", ("d33",), "exact-code"),
    ("q26", "QX-220", ("d34",), "exact-code"),
    ("q27", "--kv-cache-dtype=fp8", ("d35",), "exact-code"),
    ("q28", "RT-3390-B", ("d36",), "exact-code"),
    ("q29", "0x8007045D", ("d37",), "exact-code"),
    ("q30", "INC-20931", ("d38",), "exact-code"),
    ("q31", "sha256:9f1c0a7e", ("d39",), "exact-code"),
    ("q32", "OMP_NUM_THREADS=1", ("d40",), "exact-code"),
)


def retrieval_mini_suite() -> Suite:
    items = tuple(
        SuiteItem(item_id=qid, text=" ".join(relevant), lang="en", prompt=query, layout=kind)
        for qid, query, relevant, kind in QUERIES
    )
    return Suite(name="retrieval-mini", kind="retrieval", items=items,
                 content_hash=content_hash(items, DOCUMENTS), documents=DOCUMENTS)
