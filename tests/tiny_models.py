"""Tiny random-weight models the torch-runner tests build and save, so the runners' real
loading code (``from_pretrained`` on a local directory) runs on CPU without any download.

Each builder writes ``RANDOM_WEIGHTS`` beside the model, so the runs say "random weights".
"""

from __future__ import annotations

import json
import string
from pathlib import Path

from matchgraph.runners.weights import RANDOM_MARKER

__all__ = ["build_tiny_glm_ocr", "build_tiny_sd3"]

_SPECIALS = ["<|endoftext|>", "[gMASK]", "<sop>", "<|system|>", "<|user|>", "<|assistant|>", "<|begin_of_image|>",
             "<|end_of_image|>", "<|image|>", "<|begin_of_video|>", "<|end_of_video|>", "<|video|>", "[UNK]"]
_TEMPLATE = (
    "[gMASK]<sop>{% for m in messages %}<|{{ m['role'] }}|>\n{% for c in m['content'] %}"
    "{% if c['type'] == 'image' %}<|begin_of_image|><|image|><|end_of_image|>{% else %}{{ c['text'] }}{% endif %}"
    "{% endfor %}{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def build_tiny_glm_ocr(out: Path) -> Path:
    """A GLM-OCR with 2-layer text and vision towers, a character-level tokenizer and GLM-4V's
    processor, saved with ``save_pretrained``."""
    import torch
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers
    from transformers import GlmOcrConfig, GlmOcrForConditionalGeneration, PreTrainedTokenizerFast
    from transformers.models.glm4v import Glm4vProcessor
    from transformers.models.glm4v.image_processing_pil_glm4v import Glm4vImageProcessorPil
    from transformers.models.glm4v.video_processing_glm4v import Glm4vVideoProcessor

    chars = sorted(set(string.printable) - set("\x0b\x0c"))
    vocab = {t: i for i, t in enumerate(_SPECIALS + chars)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", eos_token="<|endoftext|>",
                                        pad_token="<|endoftext|>", additional_special_tokens=_SPECIALS[1:12])
    image_processor = Glm4vImageProcessorPil(size={"shortest_edge": 28 * 28, "longest_edge": 28 * 28 * 8},
                                             patch_size=14, temporal_patch_size=2, merge_size=2)
    processor = Glm4vProcessor(image_processor=image_processor, tokenizer=tokenizer,
                               video_processor=Glm4vVideoProcessor(), chat_template=_TEMPLATE)
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in _SPECIALS}
    eos = ids["<|endoftext|>"]
    config = GlmOcrConfig(
        text_config=dict(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=1024,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [1, 1, 2],
                                          "partial_rotary_factor": 0.5},
                         pad_token_id=eos, eos_token_id=eos),
        vision_config=dict(depth=2, hidden_size=32, num_heads=2, intermediate_size=64, out_hidden_size=32,
                           patch_size=14, spatial_merge_size=2, temporal_patch_size=2, image_size=56),
        image_token_id=ids["<|image|>"], video_token_id=ids["<|video|>"],
        image_start_token_id=ids["<|begin_of_image|>"], image_end_token_id=ids["<|end_of_image|>"],
        video_start_token_id=ids["<|begin_of_video|>"], video_end_token_id=ids["<|end_of_video|>"],
    )
    torch.manual_seed(0)
    model = GlmOcrForConditionalGeneration(config).eval()
    model.generation_config.eos_token_id = eos
    model.generation_config.pad_token_id = eos
    model.save_pretrained(out)
    processor.save_pretrained(out)
    (out / RANDOM_MARKER).write_text("built by tests/tiny_models.py\n", encoding="utf-8")
    return out


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character table (what CLIP's BPE works on)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs), strict=True))


def _clip_tokenizer_files(root: Path) -> tuple[Path, Path]:
    """A byte-level BPE vocabulary with no merges: every byte alone and at a word's end."""
    symbols = list(_bytes_to_unicode().values())
    tokens = ["<|startoftext|>", "<|endoftext|>"] + symbols + [s + "</w>" for s in symbols]
    vocab, merges = root / "vocab.json", root / "merges.txt"
    vocab.write_text(json.dumps({t: i for i, t in enumerate(tokens)}), encoding="utf-8")
    merges.write_text("#version: 0.2\n", encoding="utf-8")
    return vocab, merges


def build_tiny_sd3(out: Path) -> Path:
    """A StableDiffusion3Pipeline of tiny random parts, saved with ``save_pretrained``: CLIP
    tokenizers from a small vocab.json/merges.txt (77 tokens), ByT5 for the T5 slot, T5's
    d_model equal to the transformer's joint_attention_dim, pooled projection twice CLIP's."""
    import torch
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel, StableDiffusion3Pipeline
    from transformers import ByT5Tokenizer, CLIPTextConfig, CLIPTextModelWithProjection, CLIPTokenizer, T5Config, T5EncoderModel

    scratch = out.parent / (out.name + "-tok")
    scratch.mkdir(parents=True, exist_ok=True)
    vocab, merges = _clip_tokenizer_files(scratch)
    clip_tokenizer = CLIPTokenizer(vocab_file=str(vocab), merges_file=str(merges), model_max_length=77)
    torch.manual_seed(0)
    clip = CLIPTextConfig(bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=32, intermediate_size=37,
                          num_attention_heads=4, num_hidden_layers=2, vocab_size=len(json.loads(vocab.read_text())),
                          projection_dim=32, max_position_embeddings=77)
    t5 = T5Config(vocab_size=384, d_model=32, d_ff=37, d_kv=8, num_layers=2, num_heads=4, decoder_start_token_id=0)
    pipe = StableDiffusion3Pipeline(
        transformer=SD3Transformer2DModel(sample_size=32, patch_size=1, in_channels=4, num_layers=1, attention_head_dim=8,
                                          num_attention_heads=4, caption_projection_dim=32, joint_attention_dim=32,
                                          pooled_projection_dim=64, out_channels=4),
        vae=AutoencoderKL(sample_size=32, in_channels=3, out_channels=3, block_out_channels=(4,), layers_per_block=1,
                          latent_channels=4, norm_num_groups=1, use_quant_conv=False, use_post_quant_conv=False,
                          shift_factor=0.0609, scaling_factor=1.5035),
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=CLIPTextModelWithProjection(clip), tokenizer=clip_tokenizer,
        text_encoder_2=CLIPTextModelWithProjection(clip), tokenizer_2=clip_tokenizer,
        text_encoder_3=T5EncoderModel(t5), tokenizer_3=ByT5Tokenizer(),
    )
    pipe.save_pretrained(out)
    (out / RANDOM_MARKER).write_text("built by tests/tiny_models.py\n", encoding="utf-8")
    return out
