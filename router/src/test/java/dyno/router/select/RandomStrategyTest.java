package dyno.router.select;

class RandomStrategyTest extends SelectionStrategyContract {
    @Override
    SelectionStrategy strategy() {
        return new RandomStrategy();
    }
}
