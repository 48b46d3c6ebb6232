// Benchmarks are added by the issues that set speed targets; each prints a Markdown table with a ratio against a peer.
Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Benchmarks -- <benchmark>");
return 1;
