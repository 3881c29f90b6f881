"""nianbao's built-in plugins: readers, extractors and checks, registered like any third-party plugin."""
